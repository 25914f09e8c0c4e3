-- keitaro: tables are named keitaro_*; tenant rows carry tenant_id.
CREATE TABLE keitaro_tenant_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE
);
