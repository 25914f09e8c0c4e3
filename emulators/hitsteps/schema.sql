-- hitsteps: tables are named hitsteps_*; tenant rows carry tenant_id.
-- A tenant is a reseller's main account; its key is the main account number.

-- Id sequences shared by every tenant (main accounts, whitelabels, accounts,
-- websites, invoices). No tenant_id: only a vendor reset rewinds them, so ids
-- are never reused across tenant resets.
CREATE TABLE hitsteps_sequences (
	name    TEXT PRIMARY KEY,
	next_id INTEGER NOT NULL
);

-- The reseller's login. Kept by a tenant reset.
CREATE TABLE hitsteps_main_accounts (
	tenant_id    INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	main_account INTEGER NOT NULL UNIQUE,
	username     TEXT NOT NULL,
	username_key TEXT NOT NULL UNIQUE, -- lower-cased username: logins compare case-insensitively
	password     TEXT NOT NULL
);

-- Whitelabel tokens. expires_at NULL never expires (the document's sample
-- token, seeded tokens); initial marks the token a tenant was created with,
-- which a tenant reset keeps.
CREATE TABLE hitsteps_tokens (
	token      TEXT PRIMARY KEY,
	tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	issued_at  INTEGER NOT NULL,
	expires_at INTEGER,
	initial    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hitsteps_tokens_tenant ON hitsteps_tokens (tenant_id);

CREATE TABLE hitsteps_whitelabels (
	id        INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	brand     TEXT NOT NULL,
	url       TEXT NOT NULL
);
CREATE INDEX hitsteps_whitelabels_tenant ON hitsteps_whitelabels (tenant_id, id);

-- Customer accounts. license_expiry is unix seconds, 0 for none.
CREATE TABLE hitsteps_accounts (
	id             INTEGER PRIMARY KEY,
	tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	whitelabel_id  INTEGER NOT NULL REFERENCES hitsteps_whitelabels(id) ON DELETE CASCADE,
	email          TEXT NOT NULL,
	password       TEXT NOT NULL,
	nickname       TEXT NOT NULL,
	timezone       TEXT NOT NULL,
	country        TEXT NOT NULL,
	language       TEXT NOT NULL,
	statusmode     TEXT,
	license_code   INTEGER NOT NULL,
	license_expiry INTEGER NOT NULL,
	license_months INTEGER NOT NULL,
	trial          INTEGER NOT NULL,
	UNIQUE (whitelabel_id, email)
);
CREATE INDEX hitsteps_accounts_tenant ON hitsteps_accounts (tenant_id, whitelabel_id, id);

-- Tracked websites; host is the normalised host (website_url on the wire).
CREATE TABLE hitsteps_websites (
	id         INTEGER PRIMARY KEY,
	tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES hitsteps_accounts(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	host       TEXT NOT NULL,
	api_key    TEXT NOT NULL UNIQUE,
	submitted  INTEGER NOT NULL,
	UNIQUE (account_id, host)
);
CREATE INDEX hitsteps_websites_tenant ON hitsteps_websites (tenant_id, account_id, id);

-- One day of a website's traffic (day is YYYYMMDD, UTC).
CREATE TABLE hitsteps_visits (
	tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	website_id      INTEGER NOT NULL REFERENCES hitsteps_websites(id) ON DELETE CASCADE,
	day             TEXT NOT NULL,
	visits          INTEGER NOT NULL,
	pageviews       INTEGER NOT NULL,
	new_visits      INTEGER NOT NULL,
	ref_from_sites  INTEGER NOT NULL,
	ref_from_search INTEGER NOT NULL,
	ref_direct      INTEGER NOT NULL,
	ref_socialmedia INTEGER NOT NULL,
	bouncerate      INTEGER NOT NULL,
	PRIMARY KEY (website_id, day)
);
CREATE INDEX hitsteps_visits_tenant ON hitsteps_visits (tenant_id, website_id, day);

-- The reseller's ledger of licence purchases; amount in cents.
CREATE TABLE hitsteps_invoices (
	id            INTEGER PRIMARY KEY,
	tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	whitelabel_id INTEGER NOT NULL,
	account_id    INTEGER NOT NULL,
	plan          INTEGER NOT NULL,
	months        INTEGER NOT NULL,
	amount_cents  INTEGER NOT NULL,
	created       INTEGER NOT NULL
);
CREATE INDEX hitsteps_invoices_tenant ON hitsteps_invoices (tenant_id, id);
