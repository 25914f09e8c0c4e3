-- mousestats: tables are named mousestats_*; tenant rows carry tenant_id.
CREATE TABLE mousestats_tenant_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE
);
