-- twipla: the TWIPLA 3AS partner API. Every table holds tenant data (tenant_id
-- = the INTP). Times are RFC 3339 text in UTC with second precision
-- ("2031-03-10T12:00:00Z"), so they compare as text. seq columns are
-- insertion order, which is the order every list answers in.

-- The INTP itself: its company details and its verification key. Kept across a
-- tenant reset (they are its credentials).
CREATE TABLE twipla_intps (
	tenant_id          INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	intp_id            TEXT NOT NULL,
	name               TEXT NOT NULL,
	address            TEXT NOT NULL,
	subscription_type  TEXT NOT NULL,            -- website | intpc
	billing_mode       TEXT NOT NULL,            -- company_managed | platform_managed
	website_onboarding INTEGER NOT NULL,
	created_at         TEXT NOT NULL,
	public_key         TEXT NOT NULL DEFAULT '', -- PEM; '' = the built-in test key
	move_errors        INTEGER                   -- 400 | 500: status of invalid moves; NULL = the emulator's setting
);

CREATE TABLE twipla_packages (
	seq          INTEGER PRIMARY KEY,
	tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id           TEXT NOT NULL,
	kind         TEXT NOT NULL, -- free | uft | paid
	name         TEXT NOT NULL,
	touchpoints  INTEGER NOT NULL,
	price        REAL NOT NULL,
	currency     TEXT NOT NULL,
	period       TEXT NOT NULL,
	recommended  INTEGER NOT NULL,
	visibility   TEXT NOT NULL,
	external_id  TEXT,
	created_at   TEXT NOT NULL,
	UNIQUE (tenant_id, id)
);
-- A package list reads a tenant's packages in seq order straight from
-- this index, without sorting them in a temporary B-tree.
CREATE INDEX twipla_packages_tenant ON twipla_packages (tenant_id, seq);

-- The package set an INTP started with (the default set, or the one its
-- tenant body chose), kept across a tenant reset, which restores it.
CREATE TABLE twipla_initial_packages (
	seq          INTEGER PRIMARY KEY,
	tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id           TEXT NOT NULL,
	kind         TEXT NOT NULL,
	name         TEXT NOT NULL,
	touchpoints  INTEGER NOT NULL,
	price        REAL NOT NULL,
	currency     TEXT NOT NULL,
	period       TEXT NOT NULL,
	recommended  INTEGER NOT NULL,
	visibility   TEXT NOT NULL,
	external_id  TEXT,
	created_at   TEXT NOT NULL
);
CREATE INDEX twipla_initial_packages_tenant ON twipla_initial_packages (tenant_id, seq);

CREATE TABLE twipla_customers (
	seq              INTEGER PRIMARY KEY,
	tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id               TEXT NOT NULL,
	visa_id          TEXT NOT NULL,
	intp_customer_id TEXT NOT NULL,
	email            TEXT NOT NULL,
	email_key        TEXT NOT NULL, -- lower-cased: uniqueness is case-insensitive
	created_at       TEXT NOT NULL,
	UNIQUE (tenant_id, intp_customer_id),
	UNIQUE (tenant_id, email_key)
);

CREATE TABLE twipla_websites (
	seq                         INTEGER PRIMARY KEY,
	tenant_id                   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id                          TEXT NOT NULL UNIQUE,
	customer_seq                INTEGER NOT NULL REFERENCES twipla_customers(seq) ON DELETE CASCADE,
	intp_website_id             TEXT NOT NULL,
	domain                      TEXT NOT NULL,
	privacy_level               INTEGER NOT NULL DEFAULT 0,
	created_at                  TEXT NOT NULL,
	consumed_visit              INTEGER NOT NULL DEFAULT 0,
	consumed_visit_event        INTEGER NOT NULL DEFAULT 0,
	consumed_session_recording  INTEGER NOT NULL DEFAULT 0,
	consumed_heatmap_increment  INTEGER NOT NULL DEFAULT 0,
	consumed_poll_answer        INTEGER NOT NULL DEFAULT 0,
	consumed_survey_answer      INTEGER NOT NULL DEFAULT 0,
	consumed_funnel_match       INTEGER NOT NULL DEFAULT 0,
	UNIQUE (tenant_id, intp_website_id),
	UNIQUE (tenant_id, seq) -- the parent key of twipla_sessions' foreign key
);
CREATE INDEX twipla_websites_customer ON twipla_websites (customer_seq);

-- One per website (website model) or per customer (intpc model).
CREATE TABLE twipla_subscriptions (
	seq                    INTEGER PRIMARY KEY,
	tenant_id              INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id                     TEXT NOT NULL,
	type                   TEXT NOT NULL, -- website | intpc
	customer_seq           INTEGER NOT NULL REFERENCES twipla_customers(seq) ON DELETE CASCADE,
	website_seq            INTEGER REFERENCES twipla_websites(seq) ON DELETE CASCADE,
	status                 TEXT NOT NULL, -- active | canceled | inactive
	package_id             TEXT NOT NULL,
	created_at             TEXT NOT NULL,
	expires_at             TEXT NOT NULL,
	stp_reset_at           TEXT NOT NULL,
	last_package_change_at TEXT,
	in_trial               INTEGER NOT NULL,
	had_trial              INTEGER NOT NULL,
	planned_package_id     TEXT
);
CREATE INDEX twipla_subscriptions_tenant ON twipla_subscriptions (tenant_id);
CREATE INDEX twipla_subscriptions_customer ON twipla_subscriptions (customer_seq);
CREATE INDEX twipla_subscriptions_website ON twipla_subscriptions (website_seq);

CREATE TABLE twipla_whitelisted_domains (
	seq         INTEGER PRIMARY KEY,
	tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	website_seq INTEGER NOT NULL REFERENCES twipla_websites(seq) ON DELETE CASCADE,
	domain      TEXT NOT NULL,
	UNIQUE (website_seq, domain)
);
CREATE INDEX twipla_whitelisted_domains_tenant ON twipla_whitelisted_domains (tenant_id);

CREATE TABLE twipla_api_keys (
	seq         INTEGER PRIMARY KEY,
	tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id          TEXT NOT NULL,
	website_seq INTEGER NOT NULL REFERENCES twipla_websites(seq) ON DELETE CASCADE,
	api_key     TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	comment     TEXT NOT NULL,
	expires_at  TEXT, -- NULL = never
	created_at  TEXT NOT NULL
);
CREATE INDEX twipla_api_keys_tenant ON twipla_api_keys (tenant_id);
CREATE INDEX twipla_api_keys_website ON twipla_api_keys (website_seq);

-- Tokens handed out by the API-key login; the refresh token opens the dashboard.
CREATE TABLE twipla_login_tokens (
	seq                INTEGER PRIMARY KEY,
	tenant_id          INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	api_key_seq        INTEGER NOT NULL REFERENCES twipla_api_keys(seq) ON DELETE CASCADE,
	token              TEXT NOT NULL UNIQUE,
	refresh_token      TEXT NOT NULL UNIQUE,
	token_expires_at   TEXT NOT NULL,
	refresh_expires_at TEXT NOT NULL
);
CREATE INDEX twipla_login_tokens_tenant ON twipla_login_tokens (tenant_id);
CREATE INDEX twipla_login_tokens_key ON twipla_login_tokens (api_key_seq);

CREATE TABLE twipla_contributors (
	seq          INTEGER PRIMARY KEY,
	tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	website_seq  INTEGER NOT NULL REFERENCES twipla_websites(seq) ON DELETE CASCADE,
	customer_seq INTEGER NOT NULL REFERENCES twipla_customers(seq) ON DELETE CASCADE,
	role         TEXT NOT NULL, -- editor | watcher | dashboard
	UNIQUE (website_seq, customer_seq)
);
CREATE INDEX twipla_contributors_tenant ON twipla_contributors (tenant_id);
CREATE INDEX twipla_contributors_customer ON twipla_contributors (customer_seq);

-- A restricted package made available to a website (website model; the
-- customer is its owner) or a customer (intpc model; website_seq NULL).
CREATE TABLE twipla_assignments (
	seq          INTEGER PRIMARY KEY,
	tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	package_seq  INTEGER NOT NULL REFERENCES twipla_packages(seq) ON DELETE CASCADE,
	customer_seq INTEGER NOT NULL REFERENCES twipla_customers(seq) ON DELETE CASCADE,
	website_seq  INTEGER REFERENCES twipla_websites(seq) ON DELETE CASCADE
);
CREATE INDEX twipla_assignments_tenant ON twipla_assignments (tenant_id, package_seq);
CREATE INDEX twipla_assignments_customer ON twipla_assignments (customer_seq);
CREATE INDEX twipla_assignments_website ON twipla_assignments (website_seq);
-- Deleting a package finds its assignments without a scan.
CREATE INDEX twipla_assignments_package ON twipla_assignments (package_seq);

-- Visitor sessions recorded through /_emulator/twipla/sessions. Bulk
-- loaded, so they keep one index besides the table: it serves the
-- analytics' ranges, the tenant's deletions, and the foreign key's cascade
-- when a website goes, which names (tenant_id, website_seq) for that
-- reason (a second index on website_seq alone cost every session an
-- insert into another B-tree).
CREATE TABLE twipla_sessions (
	seq                INTEGER PRIMARY KEY,
	tenant_id          INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	website_seq        INTEGER NOT NULL,
	id                 TEXT NOT NULL,
	visitor_id         TEXT NOT NULL,
	started_at         TEXT NOT NULL,
	duration           INTEGER NOT NULL,
	page_views         INTEGER NOT NULL,
	events             INTEGER NOT NULL,
	recorded           INTEGER NOT NULL,
	heatmap_increments INTEGER NOT NULL,
	poll_answers       INTEGER NOT NULL,
	survey_answers     INTEGER NOT NULL,
	funnel_matches     INTEGER NOT NULL,
	country            TEXT NOT NULL,
	device             TEXT NOT NULL,
	browser            TEXT NOT NULL,
	os                 TEXT NOT NULL,
	referrer           TEXT NOT NULL,
	landing_page       TEXT NOT NULL,
	utm_source         TEXT NOT NULL,
	utm_medium         TEXT NOT NULL,
	utm_campaign       TEXT NOT NULL,
	FOREIGN KEY (tenant_id, website_seq) REFERENCES twipla_websites (tenant_id, seq) ON DELETE CASCADE
);
CREATE INDEX twipla_sessions_website ON twipla_sessions (tenant_id, website_seq, started_at);
