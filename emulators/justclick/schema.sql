-- justclick: tables are named justclick_*; tenant rows carry tenant_id.
CREATE TABLE justclick_tenant_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE
);
