-- Keitaro Admin API v1 (../shared/api/keitaro.md). Every table holds one
-- tenant's rows; ids are per tenant and kind (keitaro_counters), so the
-- primary keys are (tenant_id, id). Column names are the API's field names.
-- Datetimes are TEXT "YYYY-MM-DD HH:MM:SS" in UTC, so that they compare as
-- strings. Booleans are INTEGER 0/1; free-form JSON values are TEXT.

-- One row per tenant: the settings POST /_emulator/keitaro/tenants chose.
-- Kept across a tenant reset.
CREATE TABLE keitaro_tenant_settings (
	tenant_id    INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	postback_key TEXT NOT NULL DEFAULT '',
	edition      TEXT NOT NULL DEFAULT 'pro',
	currency     TEXT NOT NULL DEFAULT 'USD',
	timezone     TEXT NOT NULL DEFAULT 'UTC',
	dialect      TEXT NOT NULL DEFAULT '',   -- '' follows the global dialect
	sample_data  INTEGER NOT NULL DEFAULT 0  -- a reset restores the sample data
);
CREATE UNIQUE INDEX keitaro_tenant_settings_postback ON keitaro_tenant_settings (postback_key) WHERE postback_key != '';

-- The next id of each kind ("campaigns", "offers", "stream_filters", …).
CREATE TABLE keitaro_counters (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	kind      TEXT NOT NULL,
	next      INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, kind)
);

CREATE TABLE keitaro_affiliate_networks (
	tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id            INTEGER NOT NULL,
	name          TEXT NOT NULL,
	postback_url  TEXT NOT NULL,
	offer_param   TEXT NOT NULL,
	template_name TEXT NOT NULL,
	notes         TEXT NOT NULL,
	state         TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE keitaro_groups (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id        INTEGER NOT NULL,
	name      TEXT NOT NULL,
	position  INTEGER NOT NULL,
	type      TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE keitaro_traffic_sources (
	tenant_id         INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id                INTEGER NOT NULL,
	name              TEXT NOT NULL,
	postback_url      TEXT NOT NULL,
	postback_statuses TEXT NOT NULL,  -- JSON array of strings
	template_name     TEXT NOT NULL,
	accept_parameters INTEGER NOT NULL,
	parameters        TEXT NOT NULL,  -- JSON object
	notes             TEXT NOT NULL,
	state             TEXT NOT NULL,
	traffic_loss      REAL NOT NULL,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE keitaro_campaigns (
	tenant_id              INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id                     INTEGER NOT NULL,
	alias                  TEXT NOT NULL,
	name                   TEXT NOT NULL,
	type                   TEXT NOT NULL,
	cookies_ttl            INTEGER NOT NULL,
	position               INTEGER NOT NULL,
	state                  TEXT NOT NULL,
	created_at             TEXT NOT NULL,
	updated_at             TEXT,           -- NULL until the campaign is first changed
	cost_type              TEXT NOT NULL,
	cost_value             REAL NOT NULL,
	cost_currency          TEXT NOT NULL,
	cost_auto              INTEGER NOT NULL,
	group_id               INTEGER,
	bind_visitors          TEXT,
	traffic_source_id      INTEGER,
	domain_id              INTEGER,
	token                  TEXT NOT NULL,
	uniqueness_method      TEXT NOT NULL,
	uniqueness_use_cookies INTEGER NOT NULL,
	traffic_loss           REAL NOT NULL,
	parameters             TEXT NOT NULL,  -- JSON object
	postbacks              TEXT NOT NULL,  -- JSON array, items carry their ids
	notes                  TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
-- The public click endpoint resolves aliases across tenants.
CREATE INDEX keitaro_campaigns_alias ON keitaro_campaigns (alias, tenant_id);

CREATE TABLE keitaro_streams (
	tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id             INTEGER NOT NULL,
	campaign_id    INTEGER NOT NULL,
	type           TEXT NOT NULL,
	name           TEXT NOT NULL,
	position       INTEGER NOT NULL,
	weight         REAL NOT NULL,     -- a decimal: 50.0 and 12.5 are weights too
	action_type    TEXT NOT NULL,
	action_payload TEXT NOT NULL,   -- JSON (string, object, number or null)
	action_options TEXT NOT NULL,   -- JSON object or null
	schema         TEXT NOT NULL,
	collect_clicks INTEGER NOT NULL,
	filter_or      INTEGER NOT NULL,
	comments       TEXT NOT NULL,
	state          TEXT NOT NULL,
	created_at     TEXT NOT NULL,  -- not answered; kept for the state dump's sake
	updated_at     TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX keitaro_streams_campaign ON keitaro_streams (tenant_id, campaign_id);

CREATE TABLE keitaro_stream_filters (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id        INTEGER NOT NULL,
	stream_id INTEGER NOT NULL,
	name      TEXT NOT NULL,
	mode      TEXT NOT NULL,
	payload   TEXT NOT NULL,  -- JSON, as given
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX keitaro_stream_filters_stream ON keitaro_stream_filters (tenant_id, stream_id);

CREATE TABLE keitaro_stream_triggers (
	tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id               INTEGER NOT NULL,
	stream_id        INTEGER NOT NULL,
	condition        TEXT NOT NULL,
	target           TEXT NOT NULL,
	action           TEXT NOT NULL,
	selected_page    TEXT NOT NULL,
	pattern          TEXT NOT NULL,
	interval         INTEGER NOT NULL,
	alternative_urls TEXT NOT NULL,
	grab_from_page   TEXT NOT NULL,
	av_settings      TEXT NOT NULL,
	reverse          INTEGER NOT NULL,
	scan_page        INTEGER NOT NULL,
	enabled          INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX keitaro_stream_triggers_stream ON keitaro_stream_triggers (tenant_id, stream_id);

-- Landing and offer links of a stream share one id counter ("stream_links").
CREATE TABLE keitaro_stream_landings (
	tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id         INTEGER NOT NULL,
	stream_id  INTEGER NOT NULL,
	landing_id INTEGER NOT NULL,
	state      TEXT NOT NULL,
	share      INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX keitaro_stream_landings_stream ON keitaro_stream_landings (tenant_id, stream_id);

CREATE TABLE keitaro_stream_offers (
	tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id         INTEGER NOT NULL,
	stream_id  INTEGER NOT NULL,
	offer_id   INTEGER NOT NULL,
	state      TEXT NOT NULL,
	share      INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX keitaro_stream_offers_stream ON keitaro_stream_offers (tenant_id, stream_id);

CREATE TABLE keitaro_stream_events (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id        INTEGER NOT NULL,
	stream_id INTEGER NOT NULL,
	action    TEXT NOT NULL,
	datetime  TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX keitaro_stream_events_stream ON keitaro_stream_events (tenant_id, stream_id);

CREATE TABLE keitaro_offers (
	tenant_id            INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id                   INTEGER NOT NULL,
	name                 TEXT NOT NULL,
	group_id             INTEGER,
	url                  TEXT NOT NULL,
	offer_type           TEXT NOT NULL,
	action_type          TEXT NOT NULL,
	action_payload       TEXT,
	action_options       TEXT NOT NULL,  -- JSON object or null
	affiliate_network_id INTEGER,
	payout_value         REAL NOT NULL,
	payout_currency      TEXT,
	payout_type          TEXT,
	payout_auto          INTEGER NOT NULL,
	payout_upsell        INTEGER NOT NULL,
	country              TEXT,           -- JSON array of codes, NULL when none
	notes                TEXT,
	state                TEXT NOT NULL,
	created_at           TEXT NOT NULL,
	updated_at           TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE keitaro_landing_pages (
	tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id             INTEGER NOT NULL,
	name           TEXT NOT NULL,
	landing_type   TEXT NOT NULL,
	action_type    TEXT NOT NULL,
	action_payload TEXT,
	action_options TEXT NOT NULL,  -- JSON object or null
	group_id       INTEGER,
	offer_count    INTEGER NOT NULL,
	notes          TEXT NOT NULL,
	state          TEXT NOT NULL,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE keitaro_domains (
	tenant_id           INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id                  INTEGER NOT NULL,
	name                TEXT NOT NULL,
	is_ssl              INTEGER NOT NULL,
	network_status      TEXT NOT NULL,
	status              TEXT NOT NULL,
	default_campaign_id INTEGER,
	group_id            INTEGER,
	wildcard            INTEGER NOT NULL,
	catch_not_found     INTEGER NOT NULL,
	ssl_redirect        INTEGER NOT NULL,
	allow_indexing      INTEGER NOT NULL,
	notes               TEXT,
	state               TEXT NOT NULL,
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	next_check_at       TEXT NOT NULL,  -- created_at or the last check, plus a day
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE keitaro_users (
	tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id            INTEGER NOT NULL,
	login         TEXT NOT NULL,
	type          TEXT NOT NULL,
	state         TEXT NOT NULL,
	preferences   TEXT NOT NULL,  -- JSON {"language","timezone"}
	access_data   TEXT NOT NULL,  -- JSON, keys in the API's order
	password_hash TEXT NOT NULL,  -- hex SHA-256; never answered
	PRIMARY KEY (tenant_id, id)
);

-- The bot list, in insertion order.
CREATE TABLE keitaro_botlist (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	seq       INTEGER NOT NULL,
	value     TEXT NOT NULL,
	PRIMARY KEY (tenant_id, seq),
	UNIQUE (tenant_id, value)
);

-- Log lines of GET /logs/{type}; id is a per-tenant counter ("logs") so that
-- lines written in the same second keep their order.
CREATE TABLE keitaro_logs (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id        INTEGER NOT NULL,
	type      TEXT NOT NULL,
	datetime  TEXT NOT NULL,
	jid       TEXT NOT NULL,
	message   TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX keitaro_logs_type ON keitaro_logs (tenant_id, type, id);

-- Clicks the tracker recorded (§6.3): the stored columns only; names, time
-- parts, revenue and the other derived columns are computed by reports.
-- Written by the public click endpoint, the clicks helper and seeds;
-- changed by update_costs and the landing click-through; deleted by
-- clicks/clean. sub_id is unique across the emulator, so that /lp/offer and
-- /postback find a click without knowing its tenant.
CREATE TABLE keitaro_clicks (
	tenant_id                INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	click_id                 INTEGER NOT NULL,
	sub_id                   TEXT NOT NULL UNIQUE,
	visitor_code             TEXT NOT NULL,
	datetime                 TEXT NOT NULL,
	campaign_id              INTEGER NOT NULL,
	campaign_group_id        INTEGER,
	parent_campaign_id       INTEGER,
	landing_id               INTEGER,
	offer_id                 INTEGER,
	ts_id                    INTEGER,
	stream_id                INTEGER,
	language_id              INTEGER,
	device_type_id           INTEGER,
	affiliate_network_id     INTEGER,
	language                 TEXT NOT NULL DEFAULT '',
	device_type              TEXT NOT NULL DEFAULT '',
	connection_type          TEXT NOT NULL DEFAULT '',
	ip                       TEXT NOT NULL DEFAULT '',
	country_code             TEXT NOT NULL DEFAULT '',
	country                  TEXT NOT NULL DEFAULT '',
	region                   TEXT NOT NULL DEFAULT '',
	city                     TEXT NOT NULL DEFAULT '',
	user_agent               TEXT NOT NULL DEFAULT '',
	operator                 TEXT NOT NULL DEFAULT '',
	os                       TEXT NOT NULL DEFAULT '',
	os_version               TEXT NOT NULL DEFAULT '',
	browser                  TEXT NOT NULL DEFAULT '',
	browser_version          TEXT NOT NULL DEFAULT '',
	device_model             TEXT NOT NULL DEFAULT '',
	isp                      TEXT NOT NULL DEFAULT '',
	source                   TEXT NOT NULL DEFAULT '',
	referrer                 TEXT NOT NULL DEFAULT '',
	search_engine            TEXT NOT NULL DEFAULT '',
	keyword                  TEXT NOT NULL DEFAULT '',
	destination              TEXT NOT NULL DEFAULT '',
	ad_campaign_id           TEXT NOT NULL DEFAULT '',
	external_id              TEXT NOT NULL DEFAULT '',
	creative_id              TEXT NOT NULL DEFAULT '',
	sub_id_1 TEXT NOT NULL DEFAULT '', sub_id_2 TEXT NOT NULL DEFAULT '', sub_id_3 TEXT NOT NULL DEFAULT '',
	sub_id_4 TEXT NOT NULL DEFAULT '', sub_id_5 TEXT NOT NULL DEFAULT '', sub_id_6 TEXT NOT NULL DEFAULT '',
	sub_id_7 TEXT NOT NULL DEFAULT '', sub_id_8 TEXT NOT NULL DEFAULT '', sub_id_9 TEXT NOT NULL DEFAULT '',
	sub_id_10 TEXT NOT NULL DEFAULT '', sub_id_11 TEXT NOT NULL DEFAULT '', sub_id_12 TEXT NOT NULL DEFAULT '',
	sub_id_13 TEXT NOT NULL DEFAULT '', sub_id_14 TEXT NOT NULL DEFAULT '', sub_id_15 TEXT NOT NULL DEFAULT '',
	extra_param_1 TEXT NOT NULL DEFAULT '', extra_param_2 TEXT NOT NULL DEFAULT '',
	extra_param_3 TEXT NOT NULL DEFAULT '', extra_param_4 TEXT NOT NULL DEFAULT '',
	extra_param_5 TEXT NOT NULL DEFAULT '', extra_param_6 TEXT NOT NULL DEFAULT '',
	extra_param_7 TEXT NOT NULL DEFAULT '', extra_param_8 TEXT NOT NULL DEFAULT '',
	extra_param_9 TEXT NOT NULL DEFAULT '', extra_param_10 TEXT NOT NULL DEFAULT '',
	cost                     REAL NOT NULL DEFAULT 0,
	is_unique_stream         INTEGER NOT NULL DEFAULT 1,
	is_unique_campaign       INTEGER NOT NULL DEFAULT 1,
	is_unique_global         INTEGER NOT NULL DEFAULT 1,
	is_bot                   INTEGER NOT NULL DEFAULT 0,
	is_using_proxy           INTEGER NOT NULL DEFAULT 0,
	landing_clicked          INTEGER NOT NULL DEFAULT 0,
	landing_clicked_datetime TEXT,
	PRIMARY KEY (tenant_id, click_id)
);
CREATE INDEX keitaro_clicks_campaign ON keitaro_clicks (tenant_id, campaign_id, datetime);
-- Report ranges select by click time.
CREATE INDEX keitaro_clicks_datetime ON keitaro_clicks (tenant_id, datetime);
-- Uniqueness looks for the visitor's earlier clicks (§4.13.4).
CREATE INDEX keitaro_clicks_visitor ON keitaro_clicks (tenant_id, ip, datetime);

-- Conversions (§6.4): one per postback, or updated by a later postback with
-- the same tid. Each belongs to one click of its tenant and goes with it.
CREATE TABLE keitaro_conversions (
	tenant_id         INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	conversion_id     INTEGER NOT NULL,
	click_id          INTEGER NOT NULL,
	sub_id            TEXT NOT NULL,
	status            TEXT NOT NULL,  -- lead, sale, rejected or rebill
	previous_status   TEXT,
	original_status   TEXT NOT NULL,
	tid               TEXT NOT NULL,
	revenue           REAL NOT NULL,
	currency          TEXT NOT NULL,
	postback_datetime TEXT NOT NULL,
	sale_datetime     TEXT,
	sale_period       INTEGER,
	params            TEXT NOT NULL,  -- JSON object of the postback's other parameters
	PRIMARY KEY (tenant_id, conversion_id),
	FOREIGN KEY (tenant_id, click_id) REFERENCES keitaro_clicks (tenant_id, click_id) ON DELETE CASCADE
);
-- Reports credit conversions to their click; the conversions log selects
-- by postback time.
CREATE INDEX keitaro_conversions_click ON keitaro_conversions (tenant_id, click_id, tid);
CREATE INDEX keitaro_conversions_postback ON keitaro_conversions (tenant_id, postback_datetime);

-- Hourly rollups of the clicks (and of the conversions they had), so that
-- a report whose grouping and filters name only these dimensions, and
-- whose range and timezone fall on whole hours, sums a few rows an hour
-- instead of every click (reports.go, hoursFit). Id dimensions hold ''
-- for a click without one (a key column cannot be NULL); the report reads
-- them back as NULL. Inserts add to them in Go (addClickHours,
-- addConversionHours): an INSERT trigger would make every INSERT
-- statement of the table three times as dear, even an empty one. Updates
-- of clicks and conversions are followed by the triggers below. Deleting
-- clicks leaves the rollups to the deleter: clicks/clean rebuilds the
-- hours it touched (rebuildHours), a tenant reset deletes the tenant's
-- rows like any other.
CREATE TABLE keitaro_click_hours (
	tenant_id            INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	hour                 TEXT NOT NULL,     -- "YYYY-MM-DD HH:00:00", UTC
	campaign_id          INTEGER NOT NULL,
	country_code         TEXT NOT NULL,
	campaign_group_id    NOT NULL,  -- '' when the clicks have none
	stream_id            NOT NULL,
	landing_id           NOT NULL,
	offer_id             NOT NULL,
	ts_id                NOT NULL,
	affiliate_network_id NOT NULL,
	clicks               INTEGER NOT NULL,
	campaign_unique      INTEGER NOT NULL,
	stream_unique        INTEGER NOT NULL,
	global_unique        INTEGER NOT NULL,
	bots                 INTEGER NOT NULL,
	proxies              INTEGER NOT NULL,
	empty_referrers      INTEGER NOT NULL,
	lp_clicks            INTEGER NOT NULL,
	cost                 REAL NOT NULL,
	lcp_sum              REAL NOT NULL,     -- seconds from click to landing click
	lcp_n                INTEGER NOT NULL,  -- clicks with a landing click time
	leads                INTEGER NOT NULL DEFAULT 0,
	sales                INTEGER NOT NULL DEFAULT 0,
	rejected             INTEGER NOT NULL DEFAULT 0,
	rebills              INTEGER NOT NULL DEFAULT 0,
	lead_revenue         REAL NOT NULL DEFAULT 0,
	sale_revenue         REAL NOT NULL DEFAULT 0,  -- sales and rebills
	rejected_revenue     REAL NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id, offer_id, ts_id, affiliate_network_id)
) WITHOUT ROWID;

-- A changed click (its cost, its landing click) whose key stays.
CREATE TRIGGER keitaro_click_hours_click_change AFTER UPDATE ON keitaro_clicks
	WHEN substr(old.datetime, 1, 13) = substr(new.datetime, 1, 13) AND old.campaign_id IS new.campaign_id AND old.country_code IS new.country_code
	AND old.campaign_group_id IS new.campaign_group_id AND old.stream_id IS new.stream_id AND
	old.landing_id IS new.landing_id AND old.offer_id IS new.offer_id AND old.ts_id IS new.ts_id AND
	old.affiliate_network_id IS new.affiliate_network_id BEGIN
	UPDATE keitaro_click_hours SET clicks = clicks + (1) - (1),
		campaign_unique = campaign_unique + (new.is_unique_campaign) - (old.is_unique_campaign),
		stream_unique = stream_unique + (new.is_unique_stream) - (old.is_unique_stream),
		global_unique = global_unique + (new.is_unique_global) - (old.is_unique_global),
		bots = bots + (new.is_bot) - (old.is_bot), proxies = proxies + (new.is_using_proxy) - (old.is_using_proxy),
		empty_referrers = empty_referrers + (new.referrer = '') - (old.referrer = ''),
		lp_clicks = lp_clicks + (new.landing_clicked) - (old.landing_clicked), cost = cost + (new.cost) - (old.cost),
		lcp_sum = lcp_sum + (ifnull(unixepoch(new.landing_clicked_datetime) - unixepoch(new.datetime), 0))
		- (ifnull(unixepoch(old.landing_clicked_datetime) - unixepoch(old.datetime), 0)),
		lcp_n = lcp_n + (new.landing_clicked_datetime IS NOT NULL) - (old.landing_clicked_datetime IS NOT NULL)
	WHERE (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id, offer_id, ts_id,
		affiliate_network_id) = (old.tenant_id, substr(old.datetime, 1, 13) || ':00:00', old.campaign_id, old.country_code,
		ifnull(old.campaign_group_id, ''), ifnull(old.stream_id, ''), ifnull(old.landing_id, ''), ifnull(old.offer_id, ''),
		ifnull(old.ts_id, ''), ifnull(old.affiliate_network_id, ''));
END;

-- A click moved to another key takes its conversions along.
CREATE TRIGGER keitaro_click_hours_click_move AFTER UPDATE ON keitaro_clicks
	WHEN NOT (substr(old.datetime, 1, 13) = substr(new.datetime, 1, 13) AND old.campaign_id IS new.campaign_id AND old.country_code IS new.country_code
	AND old.campaign_group_id IS new.campaign_group_id AND old.stream_id IS new.stream_id AND
	old.landing_id IS new.landing_id AND old.offer_id IS new.offer_id AND old.ts_id IS new.ts_id AND
	old.affiliate_network_id IS new.affiliate_network_id) BEGIN
	UPDATE keitaro_click_hours SET clicks = clicks - (1), campaign_unique = campaign_unique - (old.is_unique_campaign),
		stream_unique = stream_unique - (old.is_unique_stream), global_unique = global_unique - (old.is_unique_global),
		bots = bots - (old.is_bot), proxies = proxies - (old.is_using_proxy),
		empty_referrers = empty_referrers - (old.referrer = ''), lp_clicks = lp_clicks - (old.landing_clicked),
		cost = cost - (old.cost),
		lcp_sum = lcp_sum - (ifnull(unixepoch(old.landing_clicked_datetime) - unixepoch(old.datetime), 0)),
		lcp_n = lcp_n - (old.landing_clicked_datetime IS NOT NULL),
		leads = leads - ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = old.tenant_id AND
		c.click_id = old.click_id AND c.status = 'lead')),
		sales = sales - ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = old.tenant_id AND
		c.click_id = old.click_id AND c.status = 'sale')),
		rejected = rejected - ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = old.tenant_id AND
		c.click_id = old.click_id AND c.status = 'rejected')),
		rebills = rebills - ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = old.tenant_id AND
		c.click_id = old.click_id AND c.status = 'rebill')),
		lead_revenue = lead_revenue - ((SELECT total(c.revenue) FROM keitaro_conversions c WHERE c.tenant_id = old.tenant_id
		AND c.click_id = old.click_id AND c.status = 'lead')),
		sale_revenue = sale_revenue - ((SELECT total(c.revenue) FROM keitaro_conversions c WHERE c.tenant_id = old.tenant_id
		AND c.click_id = old.click_id AND c.status IN ('sale', 'rebill'))),
		rejected_revenue = rejected_revenue - ((SELECT total(c.revenue) FROM keitaro_conversions c WHERE c.tenant_id = old.tenant_id
		AND c.click_id = old.click_id AND c.status = 'rejected'))
	WHERE (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id, offer_id, ts_id,
		affiliate_network_id) = (old.tenant_id, substr(old.datetime, 1, 13) || ':00:00', old.campaign_id, old.country_code,
		ifnull(old.campaign_group_id, ''), ifnull(old.stream_id, ''), ifnull(old.landing_id, ''), ifnull(old.offer_id, ''),
		ifnull(old.ts_id, ''), ifnull(old.affiliate_network_id, ''));
	DELETE FROM keitaro_click_hours WHERE (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id,
		landing_id, offer_id, ts_id, affiliate_network_id) = (old.tenant_id, substr(old.datetime, 1, 13) || ':00:00',
		old.campaign_id, old.country_code, ifnull(old.campaign_group_id, ''), ifnull(old.stream_id, ''),
		ifnull(old.landing_id, ''), ifnull(old.offer_id, ''), ifnull(old.ts_id, ''), ifnull(old.affiliate_network_id, ''))
		AND clicks = 0;
	INSERT INTO keitaro_click_hours (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id
		, offer_id, ts_id, affiliate_network_id, clicks, campaign_unique, stream_unique, global_unique, bots, proxies,
		empty_referrers, lp_clicks, cost, lcp_sum, lcp_n)
	VALUES (new.tenant_id, substr(new.datetime, 1, 13) || ':00:00', new.campaign_id, new.country_code,
		ifnull(new.campaign_group_id, ''), ifnull(new.stream_id, ''), ifnull(new.landing_id, ''), ifnull(new.offer_id, ''),
		ifnull(new.ts_id, ''), ifnull(new.affiliate_network_id, ''), 1, new.is_unique_campaign, new.is_unique_stream,
		new.is_unique_global, new.is_bot, new.is_using_proxy, new.referrer = '', new.landing_clicked, new.cost,
		ifnull(unixepoch(new.landing_clicked_datetime) - unixepoch(new.datetime), 0),
		new.landing_clicked_datetime IS NOT NULL)
	ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks,
		campaign_unique = campaign_unique + excluded.campaign_unique, stream_unique = stream_unique + excluded.stream_unique
		, global_unique = global_unique + excluded.global_unique, bots = bots + excluded.bots,
		proxies = proxies + excluded.proxies, empty_referrers = empty_referrers + excluded.empty_referrers,
		lp_clicks = lp_clicks + excluded.lp_clicks, cost = cost + excluded.cost, lcp_sum = lcp_sum + excluded.lcp_sum,
		lcp_n = lcp_n + excluded.lcp_n;
	UPDATE keitaro_click_hours SET leads = leads + ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = new.tenant_id
		AND c.click_id = new.click_id AND c.status = 'lead')),
		sales = sales + ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = new.tenant_id AND
		c.click_id = new.click_id AND c.status = 'sale')),
		rejected = rejected + ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = new.tenant_id AND
		c.click_id = new.click_id AND c.status = 'rejected')),
		rebills = rebills + ((SELECT count(*) FROM keitaro_conversions c WHERE c.tenant_id = new.tenant_id AND
		c.click_id = new.click_id AND c.status = 'rebill')),
		lead_revenue = lead_revenue + ((SELECT total(c.revenue) FROM keitaro_conversions c WHERE c.tenant_id = new.tenant_id
		AND c.click_id = new.click_id AND c.status = 'lead')),
		sale_revenue = sale_revenue + ((SELECT total(c.revenue) FROM keitaro_conversions c WHERE c.tenant_id = new.tenant_id
		AND c.click_id = new.click_id AND c.status IN ('sale', 'rebill'))),
		rejected_revenue = rejected_revenue + ((SELECT total(c.revenue) FROM keitaro_conversions c WHERE c.tenant_id = new.tenant_id
		AND c.click_id = new.click_id AND c.status = 'rejected'))
	WHERE (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id, offer_id, ts_id,
		affiliate_network_id) = (new.tenant_id, substr(new.datetime, 1, 13) || ':00:00', new.campaign_id, new.country_code,
		ifnull(new.campaign_group_id, ''), ifnull(new.stream_id, ''), ifnull(new.landing_id, ''), ifnull(new.offer_id, ''),
		ifnull(new.ts_id, ''), ifnull(new.affiliate_network_id, ''));
END;

CREATE TRIGGER keitaro_click_hours_conversion_change AFTER UPDATE OF click_id, status, revenue ON keitaro_conversions BEGIN
	UPDATE keitaro_click_hours SET leads = leads - (old.status = 'lead'), sales = sales - (old.status = 'sale'),
		rejected = rejected - (old.status = 'rejected'), rebills = rebills - (old.status = 'rebill'),
		lead_revenue = lead_revenue - (iif(old.status = 'lead', old.revenue, 0)),
		sale_revenue = sale_revenue - (iif(old.status IN ('sale', 'rebill'), old.revenue, 0)),
		rejected_revenue = rejected_revenue - (iif(old.status = 'rejected', old.revenue, 0))
	WHERE (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id, offer_id, ts_id,
		affiliate_network_id) = (SELECT k.tenant_id, substr(k.datetime, 1, 13) || ':00:00', k.campaign_id, k.country_code,
		ifnull(k.campaign_group_id, ''), ifnull(k.stream_id, ''), ifnull(k.landing_id, ''), ifnull(k.offer_id, ''),
		ifnull(k.ts_id, ''), ifnull(k.affiliate_network_id, '') FROM keitaro_clicks k WHERE k.tenant_id = old.tenant_id AND
		k.click_id = old.click_id);
	UPDATE keitaro_click_hours SET leads = leads + (new.status = 'lead'), sales = sales + (new.status = 'sale'),
		rejected = rejected + (new.status = 'rejected'), rebills = rebills + (new.status = 'rebill'),
		lead_revenue = lead_revenue + (iif(new.status = 'lead', new.revenue, 0)),
		sale_revenue = sale_revenue + (iif(new.status IN ('sale', 'rebill'), new.revenue, 0)),
		rejected_revenue = rejected_revenue + (iif(new.status = 'rejected', new.revenue, 0))
	WHERE (tenant_id, hour, campaign_id, country_code, campaign_group_id, stream_id, landing_id, offer_id, ts_id,
		affiliate_network_id) = (SELECT k.tenant_id, substr(k.datetime, 1, 13) || ':00:00', k.campaign_id, k.country_code,
		ifnull(k.campaign_group_id, ''), ifnull(k.stream_id, ''), ifnull(k.landing_id, ''), ifnull(k.offer_id, ''),
		ifnull(k.ts_id, ''), ifnull(k.affiliate_network_id, '') FROM keitaro_clicks k WHERE k.tenant_id = new.tenant_id AND
		k.click_id = new.click_id);
END;

-- Labels (§4.11.7): one value of one click column, within one campaign,
-- marked whitelist or blacklist.
CREATE TABLE keitaro_labels (
	tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	campaign_id INTEGER NOT NULL,
	ref_name    TEXT NOT NULL,
	value       TEXT NOT NULL,
	label       TEXT NOT NULL,
	PRIMARY KEY (tenant_id, campaign_id, ref_name, value)
);

-- Integrations (§0): the tenant's AV-scan key and IMKLO URL ('' until set).
CREATE TABLE keitaro_integration_settings (
	tenant_id     INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	avscan_key    TEXT NOT NULL DEFAULT '',
	imklo_api_url TEXT NOT NULL DEFAULT ''
);

-- Facebook ad-account integrations and the campaigns linked to them.
CREATE TABLE keitaro_facebook_integrations (
	tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id             INTEGER NOT NULL,
	name           TEXT NOT NULL,
	ad_account_id  TEXT NOT NULL,
	token          TEXT NOT NULL,
	proxy_enabled  INTEGER NOT NULL,
	proxy          TEXT NOT NULL,  -- JSON {"protocol","address","port","login","password"}
	last_error     TEXT NOT NULL,
	last_raw_error TEXT NOT NULL,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE keitaro_facebook_campaigns (
	tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	integration_id INTEGER NOT NULL,
	campaign_id    INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, integration_id, campaign_id)
);

-- Files of landing pages and offers (the file editor, §0); folders are
-- implied by the paths ("order/success.html").
CREATE TABLE keitaro_files (
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	owner     TEXT NOT NULL,     -- "landing_pages" or "offers"
	owner_id  INTEGER NOT NULL,
	path      TEXT NOT NULL,
	data      TEXT NOT NULL,
	PRIMARY KEY (tenant_id, owner, owner_id, path)
);

-- S2S postbacks (§0): one row per attempt, written pending with the
-- conversion and completed by the attempt's result (done = 1). The nonce
-- tells a row from a later one with the same id after a tenant reset.
CREATE TABLE keitaro_deliveries (
	tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	id            INTEGER NOT NULL,
	nonce         TEXT NOT NULL,
	conversion_id INTEGER NOT NULL,
	method        TEXT NOT NULL,
	url           TEXT NOT NULL,
	body          TEXT NOT NULL,
	time          TEXT NOT NULL,     -- the emulator clock when the conversion was stored
	status        INTEGER NOT NULL DEFAULT 0,  -- the receiver's HTTP status, 0 when none came
	error         TEXT NOT NULL DEFAULT '',
	done          INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, id)
);
