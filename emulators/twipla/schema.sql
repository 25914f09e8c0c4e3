-- twipla: tables are named twipla_*; tenant rows carry tenant_id.
CREATE TABLE twipla_tenant_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE
);
