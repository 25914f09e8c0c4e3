-- hitsteps: tables are named hitsteps_*; tenant rows carry tenant_id.
CREATE TABLE hitsteps_tenant_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE
);
