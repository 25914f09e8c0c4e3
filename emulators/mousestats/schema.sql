-- mousestats: a tenant is a reseller partner, keyed by its _partnerId.

-- The partner's secret outlives a tenant reset (it is its credential).
CREATE TABLE mousestats_partners (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	secret    TEXT NOT NULL
);

-- Customer accounts, namespaced per partner by the lower-cased e-mail.
-- Times are UTC, "2006-01-02T15:04:05.000000Z", so they sort as text.
CREATE TABLE mousestats_accounts (
	id                     INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id              INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	email_key              TEXT NOT NULL,
	email                  TEXT NOT NULL,
	password               TEXT NOT NULL,
	plan_name              TEXT NOT NULL DEFAULT '',
	plan_expires_at        TEXT,
	used_heatmap_projects  INTEGER NOT NULL DEFAULT 0,
	used_playback_projects INTEGER NOT NULL DEFAULT 0,
	used_heatmap_visits    INTEGER NOT NULL DEFAULT 0,
	used_playback_visits   INTEGER NOT NULL DEFAULT 0,
	created_at             TEXT NOT NULL,
	UNIQUE (tenant_id, email_key)
);

-- One-time login tokens. The token is globally unique (128 random bits)
-- because doLogin names nothing but the token.
CREATE TABLE mousestats_login_tokens (
	token      TEXT PRIMARY KEY,
	tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES mousestats_accounts(id) ON DELETE CASCADE,
	issued_at  TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
CREATE INDEX mousestats_login_tokens_account ON mousestats_login_tokens (tenant_id, account_id);
-- Deleting an account finds its tokens without a scan.
CREATE INDEX mousestats_login_tokens_cascade ON mousestats_login_tokens (account_id);

-- Panel sessions opened by doLogin; the id is the cookie value.
CREATE TABLE mousestats_sessions (
	id         TEXT PRIMARY KEY,
	tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES mousestats_accounts(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL
);
CREATE INDEX mousestats_sessions_account ON mousestats_sessions (tenant_id, account_id);
-- Deleting an account finds its sessions without a scan.
CREATE INDEX mousestats_sessions_cascade ON mousestats_sessions (account_id);
