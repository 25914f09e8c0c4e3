-- justclick: tables are named justclick_*; tenant rows carry tenant_id.
-- Money is stored in kopecks (integer cents); times are unix seconds.

-- The account behind a login: its API key and switches. Kept on a tenant reset.
CREATE TABLE justclick_account (
	tenant_id           INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	login               TEXT NOT NULL,
	secret              TEXT NOT NULL,
	disabled            INTEGER NOT NULL DEFAULT 0,
	activation_required INTEGER NOT NULL DEFAULT 0,
	orders_api          INTEGER NOT NULL DEFAULT 1,
	api_can_subscribe   INTEGER NOT NULL DEFAULT 0
);

-- The account's active domains, in order. Kept on a tenant reset.
CREATE TABLE justclick_domain (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	position  INTEGER NOT NULL,
	domain    TEXT NOT NULL,
	PRIMARY KEY (tenant_id, position)
);

-- Where order events are POSTed (one URL per account).
CREATE TABLE justclick_callback (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	url       TEXT NOT NULL
);

-- Emulator-wide id sequences (group, good, order): ids never collide between
-- accounts. No tenant_id: only a vendor reset restarts them.
CREATE TABLE justclick_sequence (
	kind TEXT PRIMARY KEY,
	last INTEGER NOT NULL
);

-- Mailing lists ("rassilki"). kind is 'standard' or 'auto'.
CREATE TABLE justclick_group (
	tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	rass_id    INTEGER NOT NULL,
	rass_name  TEXT NOT NULL,
	rass_title TEXT NOT NULL,
	kind       TEXT NOT NULL DEFAULT 'standard',
	PRIMARY KEY (tenant_id, rass_id),
	UNIQUE (tenant_id, rass_name)
);

CREATE TABLE justclick_contact (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	email     TEXT NOT NULL,
	name      TEXT NOT NULL DEFAULT '',
	phone     TEXT NOT NULL DEFAULT '',
	city      TEXT NOT NULL DEFAULT '',
	tags      TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, email)
);

-- One row per contact and group. extra holds the accepted-but-not-echoed
-- AddLeadToGroup fields (utm, aff, noaff, doneurl2) as a PHP query string.
CREATE TABLE justclick_subscription (
	tenant_id         INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	contact_id        INTEGER NOT NULL REFERENCES justclick_contact(id) ON DELETE CASCADE,
	rass_id           INTEGER NOT NULL,
	status            TEXT NOT NULL,
	subscription_time INTEGER NOT NULL,
	extra             TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tenant_id, contact_id, rass_id)
);
CREATE INDEX justclick_subscription_group ON justclick_subscription (tenant_id, rass_id);
-- Deleting a contact finds its subscriptions without a scan.
CREATE INDEX justclick_subscription_contact ON justclick_subscription (contact_id);

-- AddLeadToGroup answers counted against EMULATOR_JUSTCLICK_IP_LIMIT.
CREATE TABLE justclick_ip_hit (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	ip        TEXT NOT NULL,
	at        INTEGER NOT NULL
);
CREATE INDEX justclick_ip_hit_ip ON justclick_ip_hit (tenant_id, ip, at);

CREATE TABLE justclick_good (
	tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	good_id        INTEGER NOT NULL,
	good_name      TEXT NOT NULL,
	good_title     TEXT NOT NULL,
	physical       INTEGER NOT NULL DEFAULT 0,
	sum_cents      INTEGER NOT NULL,
	client_groups  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tenant_id, good_id),
	UNIQUE (tenant_id, good_name)
);

-- Orders ("bills"). pay_status: waiting | paid | cancel | moneyback;
-- delivery_status: '' | sent | return. utm is a JSON object.
CREATE TABLE justclick_order (
	tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	bill_id         INTEGER NOT NULL,
	email           TEXT NOT NULL,
	first_name      TEXT NOT NULL DEFAULT '',
	last_name       TEXT NOT NULL DEFAULT '',
	middle_name     TEXT NOT NULL DEFAULT '',
	phone           TEXT NOT NULL DEFAULT '',
	country         TEXT NOT NULL DEFAULT '',
	region          TEXT NOT NULL DEFAULT '',
	city            TEXT NOT NULL DEFAULT '',
	address         TEXT NOT NULL DEFAULT '',
	postalcode      TEXT NOT NULL DEFAULT '',
	kupon           TEXT NOT NULL DEFAULT '',
	tag             TEXT NOT NULL DEFAULT '',
	comment         TEXT NOT NULL DEFAULT '',
	domain          TEXT NOT NULL DEFAULT '',
	utm             TEXT NOT NULL DEFAULT '{}',
	created         INTEGER NOT NULL,
	pay_status      TEXT NOT NULL DEFAULT 'waiting',
	paid            INTEGER NOT NULL DEFAULT 0,
	paid_cents      INTEGER NOT NULL DEFAULT 0,
	payway          TEXT NOT NULL DEFAULT '',
	delivery_status TEXT NOT NULL DEFAULT '',
	rpo             TEXT NOT NULL DEFAULT '',
	deleted         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, bill_id)
);
CREATE INDEX justclick_order_email ON justclick_order (tenant_id, email);

-- An order's items, copied from the goods at order time (so deleting a good
-- leaves its orders intact).
CREATE TABLE justclick_order_item (
	tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	bill_id     INTEGER NOT NULL,
	position    INTEGER NOT NULL,
	good_id     INTEGER NOT NULL,
	good_name   TEXT NOT NULL,
	good_title  TEXT NOT NULL,
	physical    INTEGER NOT NULL DEFAULT 0,
	price_cents INTEGER NOT NULL,
	sum_cents   INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, bill_id, position)
);

-- Affiliate partners and their daily statistics.
CREATE TABLE justclick_partner_day (
	tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	partner      TEXT NOT NULL,
	date         TEXT NOT NULL,
	clicks       INTEGER NOT NULL DEFAULT 0,
	leads        INTEGER NOT NULL DEFAULT 0,
	bills        INTEGER NOT NULL DEFAULT 0,
	earned_cents INTEGER NOT NULL DEFAULT 0,
	topay_cents  INTEGER NOT NULL DEFAULT 0,
	partners     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, partner, date)
);
CREATE TABLE justclick_partner (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	partner   TEXT NOT NULL,
	PRIMARY KEY (tenant_id, partner)
);
