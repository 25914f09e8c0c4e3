package twipla

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the dashboard checks IANA time zone names wherever the emulator runs

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// maxControlBody bounds a helper's body (10000 sessions fit).
const maxControlBody = 16 << 20

// maxSessions is how many sessions one call may record.
const maxSessions = 10000

// defaultTokenTTL is the lifetime of a minted token without "ttl".
const defaultTokenTTL = 10 * time.Minute

// dashboardBase is the dashboard iframe's address.
const dashboardBase = "https://app-3as.visitor-analytics.io/"

// Control implements emu.Vendor: the helpers of §7 under
// /_emulator/twipla (the server owns "tenants").
func (e *Emulator) Control(r *openapi.Router) {
	r.POST("/tokens", mintTokenOp, e.control(e.mintToken))
	r.POST("/sessions", recordSessionsOp, e.control(e.recordSessions))
	r.GET("/dashboard-url", dashboardURLOp, e.control(e.dashboardURL))
}

// controlErrorSchema is the control plane's {"error":"…"}.
var controlErrorSchema = openapi.Object(openapi.Field("error", openapi.String()))

func controlErrorAnswer(status int, desc string) *openapi.Response {
	return openapi.JSONAnswer(status, desc, controlErrorSchema)
}

// mintTokenOp declares POST /_emulator/twipla/tokens.
var mintTokenOp = &openapi.Op{
	Summary: "Mint an RS256 token with the built-in test key",
	Tags:    []string{Name},
	Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(openapi.Object(
		openapi.Field("intpId", openapi.String()),
		openapi.Optional("role", openapi.String().Strings(roleINTP, roleINTPC).Nullable()),
		openapi.Optional("intpcId", openapi.String().Nullable().Describe("required for role intpc; need not exist")),
		openapi.Optional("ttl", openapi.OneOf(openapi.String(), openapi.Integer(), openapi.Null()).
			Describe("a Go duration (\"10m\", \"-5m\") or integer seconds; default 10 minutes")),
	).Open())}},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the token", openapi.Object(
			openapi.Field("token", openapi.String()),
			openapi.Field("iat", openapi.Integer()),
			openapi.Field("exp", openapi.Integer()),
			openapi.Field("expiresAt", timestamp()),
		)),
		controlErrorAnswer(http.StatusBadRequest, "a bad field, or a tenant with its own public key"),
		controlErrorAnswer(http.StatusNotFound, "unknown intpId"),
	},
}

// recordSessionsOp declares POST /_emulator/twipla/sessions.
var recordSessionsOp = &openapi.Op{
	Summary: "Record visitor sessions for a website (they feed the analytics and the consumption counters)",
	Tags:    []string{Name},
	Body: &openapi.Body{Required: true, Content: []openapi.Media{openapi.JSON(openapi.Object(
		openapi.Field("intpId", openapi.String()),
		openapi.Field("intpWebsiteId", openapi.String()),
		openapi.Field("sessions", openapi.Array(func() *openapi.Schema {
			count := openapi.Integer().Min(0).Nullable()
			props := []openapi.Prop{
				openapi.Optional("visitorId", openapi.String().Nullable()),
				openapi.Optional("startedAt", openapi.String().Format("date-time").Nullable()),
				openapi.Optional("duration", count.Describe("seconds, default 60")),
				openapi.Optional("pageViews", openapi.Integer().Min(1).Nullable().Describe("default 1")),
				openapi.Optional("events", count),
				openapi.Optional("recorded", openapi.Boolean().Nullable()),
				openapi.Optional("heatmapIncrements", count),
				openapi.Optional("pollAnswers", count),
				openapi.Optional("surveyAnswers", count),
				openapi.Optional("funnelMatches", count),
			}
			for _, d := range dimensionNames() {
				props = append(props, openapi.Optional(d, openapi.String().Nullable()))
			}
			return openapi.Object(props...).Open()
		}()).MinItems(1).MaxItems(maxSessions)),
	).Open())}},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusCreated, "recorded", openapi.Object(
			openapi.Field("recorded", openapi.Integer()),
			openapi.Field("sessions", openapi.Array(sessionSchema)),
			openapi.Field("consumption", consumptionSchema),
		)),
		controlErrorAnswer(http.StatusBadRequest, "a bad field, or an inactive website"),
		controlErrorAnswer(http.StatusNotFound, "unknown INTP or website"),
	},
}

// dashboardURLOp declares GET /_emulator/twipla/dashboard-url.
var dashboardURLOp = &openapi.Op{
	Summary: "What the real dashboard iframe would show for the same query",
	Tags:    []string{Name},
	Params: []openapi.Param{
		openapi.Query("intpcToken", openapi.String(), "an INTPC JWT"),
		openapi.Query("intpc_token", openapi.String(), "alias of intpcToken"),
		openapi.Query("websiteToken", openapi.String(), "a refreshToken of the API-key login"),
		openapi.Query("externalWebsiteId", openapi.String(), "required with an INTPC token"),
		openapi.Query("upgradePackageId", openapi.String(), ""),
		openapi.Query("allowUpgrade", openapi.String(), ""),
		openapi.Query("locale", openapi.String(), "two lower-case letters, else en"),
		openapi.Query("timezone", openapi.String(), "an IANA name, else UTC"),
		openapi.Query("startDate", openapi.String(), "YYYY-MM-DD"),
		openapi.Query("endDate", openapi.String(), "YYYY-MM-DD"),
	},
	Responses: []*openapi.Response{
		openapi.JSONAnswer(http.StatusOK, "the screen", openapi.Object(
			openapi.Field("ok", openapi.Boolean()),
			openapi.Field("screen", openapi.String().Strings("dashboard", "checkout", "error")),
			openapi.Field("reason", openapi.String().Nullable()),
			openapi.Field("intpId", openapi.String().Nullable()),
			openapi.Field("intpCustomerId", openapi.String().Nullable()),
			openapi.Field("intpWebsiteId", openapi.String().Nullable()),
			openapi.Field("websiteId", openapi.String().Nullable()),
			openapi.Field("access", openapi.String().Nullable().Describe("owner, a contributor role, or apiKey")),
			openapi.Field("locale", openapi.String()),
			openapi.Field("timezone", openapi.String()),
			openapi.Field("startDate", openapi.String().Nullable()),
			openapi.Field("endDate", openapi.String().Nullable()),
			openapi.Field("upgradePackageId", openapi.String().Nullable()),
			openapi.Field("url", openapi.String().Format("uri")),
		)),
		controlErrorAnswer(http.StatusBadRequest, "no token parameter, or an INTPC token without externalWebsiteId"),
	},
}

// control runs a helper: its result is answered as JSON with its status,
// its error as {"error":"…"}.
func (e *Emulator) control(h func(c *gin.Context) (int, any, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		status, out, err := h(c)
		if err == nil && c.Writer.Written() {
			return // answered by the helper itself (recordStreaming)
		}
		if err != nil {
			err = controlError(err)
			if st, _ := emu.ErrorStatus(err); st == http.StatusInternalServerError {
				e.deps.Log.Error("twipla: control helper failed", "path", c.Request.URL.Path, "err", err)
			}
			emu.Abort(c, err)
			return
		}
		wire.JSON(c.Writer, status, out)
	}
}

// controlFields reads a helper's JSON object body.
func controlFields(c *gin.Context) (fields, error) {
	b, err := controlBody(c)
	if err != nil {
		return fields{}, err
	}
	return parseControlFields(b)
}

// controlBody reads a helper's body.
func controlBody(c *gin.Context) ([]byte, error) {
	var buf bytes.Buffer
	if n := c.Request.ContentLength; n > 0 && n <= maxControlBody {
		buf.Grow(int(n) + bytes.MinRead) // read in one go, not by doubling
	}
	_, err := buf.ReadFrom(io.LimitReader(c.Request.Body, maxControlBody+1))
	b := buf.Bytes()
	if err != nil || len(b) > maxControlBody {
		return nil, emu.BadRequest("body unreadable or larger than %d bytes", maxControlBody)
	}
	return b, nil
}

// parseControlFields reads a helper's body as a JSON object.
func parseControlFields(b []byte) (fields, error) {
	f, err := parseFields(b)
	if err != nil {
		return fields{}, emu.BadRequest("body must be a JSON object")
	}
	return f, nil
}

// helperINTP finds the INTP a helper names, or 404.
func helperINTP(tx *store.Tx, intpID string) (*intp, error) {
	in, err := findINTP(tx, intpID)
	if errors.Is(err, store.ErrNoTenant) {
		return nil, emu.NotFound("unknown INTP %q", intpID)
	}
	return in, err
}

// mintToken is POST /_emulator/twipla/tokens (§7.2).
func (e *Emulator) mintToken(c *gin.Context) (int, any, error) {
	f, err := controlFields(c)
	if err != nil {
		return 0, nil, err
	}
	intpID, err := f.str("intpId")
	if err != nil {
		return 0, nil, err
	}
	role := roleINTP
	if _, has := f.get("role"); has {
		if role, err = f.oneOf("role", roleINTP, roleINTPC); err != nil {
			return 0, nil, err
		}
	}
	var intpcID string
	if role == roleINTPC {
		if intpcID, err = f.str("intpcId"); err != nil {
			return 0, nil, err
		}
	}
	ttl, err := readTTL(f)
	if err != nil {
		return 0, nil, err
	}
	err = e.deps.Store.Read(c, func(tx *store.Tx) error {
		in, err := helperINTP(tx, intpID)
		if err == nil && in.publicKey != "" {
			err = emu.BadRequest("tenant has its own public key; sign tokens with its private key")
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	iat := e.now(intpID).Unix()
	exp := iat + int64(ttl/time.Second)
	claims := wire.Obj("roles", []string{role}, "intp_id", intpID)
	if role == roleINTPC {
		claims = claims.Set("intpc_id", intpcID)
	}
	claims = claims.Set("iat", iat).Set("exp", exp)
	tok, err := signToken(e.keys.builtin, intpID, claims)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, wire.Obj("token", tok, "iat", iat, "exp", exp, "expiresAt", fmtTime(time.Unix(exp, 0))), nil
}

// readTTL reads "ttl": a Go duration string or integer seconds.
func readTTL(f fields) (time.Duration, error) {
	v, has := f.get("ttl")
	if !has {
		return defaultTokenTTL, nil
	}
	bad := emu.BadRequest(`ttl must be a duration such as "10m" or "-5m", or integer seconds`)
	switch x := v.(type) {
	case string:
		d, err := time.ParseDuration(x)
		if err != nil {
			return 0, bad
		}
		return d, nil
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil || n > 1<<32 || n < -(1<<32) {
			return 0, bad
		}
		return time.Duration(n) * time.Second, nil
	}
	return 0, bad
}

// signToken signs an RS256 JWT with header {"alg","typ","kid"}.
func signToken(key *rsa.PrivateKey, kid string, claims wire.Object) (string, error) {
	header, err := wire.Marshal(wire.Obj("alg", "RS256", "typ", "JWT", "kid", kid))
	if err != nil {
		return "", err
	}
	payload, err := wire.Marshal(claims)
	if err != nil {
		return "", err
	}
	// The header and claims are written here to keep their key order; the
	// signature is golang-jwt's RS256.
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	sig, err := jwt.SigningMethodRS256.Sign(signing, key)
	if err != nil {
		return "", err
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// recordSessions is POST /_emulator/twipla/sessions (§7.3). The body is
// read whole. One of the usual shape is decoded while its sessions are
// stored (recordStreaming); any other body, and any refusal, is decoded
// and checked whole before the write (recordSessionsIn), as the helper
// always did, which gives the answer it always gave.
func (e *Emulator) recordSessions(c *gin.Context) (int, any, error) {
	body, err := controlBody(c)
	if err != nil {
		return 0, nil, err
	}
	if ok, err := e.recordStreaming(c, body); ok || err != nil {
		return http.StatusCreated, nil, err
	}
	f, err := parseControlFields(body)
	if err != nil {
		return 0, nil, err
	}
	return e.recordSessionsIn(c, f)
}

// recordSessionsIn records the sessions of a body read whole: every
// session is checked before the write begins.
func (e *Emulator) recordSessionsIn(c *gin.Context, f fields) (int, any, error) {
	intpID, wid, now, list, err := readRecording(f, e.now)
	if err != nil {
		return 0, nil, err
	}
	var out wire.Object
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		rec, err := startRecording(tx, intpID, wid, now)
		if err != nil {
			return err
		}
		if err := insertSessions(rec.s, rec.w, list); err != nil {
			return err
		}
		consumption, err := rec.finish()
		out = wire.Obj("recorded", len(list), "sessions", sessionList(list), "consumption", consumption)
		return err
	})
	return http.StatusCreated, out, err
}

// readRecording checks a recording's body, read whole, in the order its
// errors are answered: the ids, the sessions array, then each session
// (its defaults taken at now, the INTP's time).
func readRecording(f fields, clock func(intpID string) time.Time) (intpID, wid string, now time.Time, list []*session, err error) {
	fail := func(err error) (string, string, time.Time, []*session, error) { return "", "", time.Time{}, nil, err }
	if intpID, err = f.str("intpId"); err != nil {
		return fail(err)
	}
	if wid, err = f.str("intpWebsiteId"); err != nil {
		return fail(err)
	}
	entries, err := objects(f, "sessions")
	switch {
	case err != nil:
		return fail(err)
	case len(entries) == 0:
		return fail(emu.BadRequest("sessions must be a non-empty array of sessions"))
	case len(entries) > maxSessions:
		return fail(emu.BadRequest("at most %d sessions can be recorded at once", maxSessions))
	}
	now = clock(intpID)
	list = make([]*session, len(entries))
	for i, sf := range entries {
		if list[i], err = readSession(sf, now); err != nil {
			return fail(err)
		}
	}
	return intpID, wid, now, list, nil
}

// recording is the website a recording stores sessions for, in the
// recording's write.
type recording struct {
	s   store.Scoped
	in  *intp
	cat *catalog
	w   *website
}

// startRecording finds the website of a recording (404 for an unknown INTP
// or website), brings its subscription up to now and refuses an inactive
// one.
func startRecording(tx *store.Tx, intpID, wid string, now time.Time) (*recording, error) {
	in, err := helperINTP(tx, intpID)
	if err != nil {
		return nil, err
	}
	s := tx.Scope(in.tenant)
	cat, err := loadCatalog(s)
	if err != nil {
		return nil, err
	}
	w, err := findWebsite(s, ` AND w.intp_website_id = ?`, wid)
	var ae *apiError
	if errors.As(err, &ae) {
		return nil, emu.NotFound("unknown website %q of INTP %s", wid, intpID)
	}
	if err != nil {
		return nil, err
	}
	w.roll(cat, nowSecond(now))
	if err := w.sub.save(s); err != nil {
		return nil, err
	}
	if w.sub.status == statusInactive {
		return nil, emu.BadRequest("website %q is inactive", wid)
	}
	return &recording{s: s, in: in, cat: cat, w: w}, nil
}

// finish stores the website's counters once its sessions are stored, and
// makes the answer's "consumption".
func (rec *recording) finish() (wire.Object, error) {
	if err := storeCounters(rec.s, rec.w); err != nil {
		return nil, err
	}
	return rec.w.consumption(rec.in, rec.cat.get(rec.w.sub.packageID)), nil
}

// sessionDefaults are the dimension values of a session that names none.
var sessionDefaults = [len(dimensions)]string{"US", "desktop", "Chrome", "Windows", "", "/", "", "", ""}

// readSession validates one session to record.
func readSession(f fields, now time.Time) (*session, error) {
	ss := &session{id: newUUID(), dims: sessionDefaults}
	var err error
	ss.visitorID, _, err = f.optString("visitorId")
	if err != nil {
		return nil, err
	}
	if ss.visitorID == "" {
		ss.visitorID = newUUID()
	}
	started, has, err := f.time("startedAt")
	if err != nil {
		return nil, err
	}
	if !has {
		started = nowSecond(now)
	}
	ss.startedAt = stamp{started}
	counts := ss.counts()
	for i, n := range sessionCounts {
		v, has, err := f.integer(n.key)
		if err != nil {
			return nil, err
		}
		if !has {
			v = n.def
		}
		if v < n.min || v > maxCount {
			return nil, badRequest("%s must be an integer of at least %d", f.name(n.key), n.min)
		}
		*counts[i] = v
	}
	if ss.recorded, err = f.boolean("recorded", false); err != nil {
		return nil, err
	}
	for i, d := range dimensions {
		v, has, err := f.optString(d.name)
		if err != nil {
			return nil, err
		}
		if has {
			ss.dims[i] = v
		}
	}
	if d := ss.dims[dimensionIndex("device")]; d != "desktop" && d != "mobile" && d != "tablet" {
		return nil, badRequest("%s must be one of desktop, mobile, tablet", f.name("device"))
	}
	return ss, nil
}

// insertSessions stores sessions of a website, in order, and counts them
// into its consumption: one prepared single-row INSERT run once a session
// with its values bound directly (store.InsertRows). That measured ~3 µs
// less CPU a session than one INSERT … SELECT over a JSON array of them
// read with jsonb_each, where SQLite parsed the text and then found each
// of the 21 values by walking the row from its start; multi-row INSERTs
// through database/sql cost more again (each value bound through its
// conversions and cgo, and a statement journal per statement).
func insertSessions(s store.Scoped, w *website, list []*session) error {
	countSessions(w, list)
	return s.InsertRows(sessionInserts, len(list), func(i int, vals []any) { sessionValues(vals, w.seq, list[i]) })
}

// countSessions counts sessions into their website's consumption.
func countSessions(w *website, list []*session) {
	for _, ss := range list {
		recordings := int64(0)
		if ss.recorded {
			recordings = 1
		}
		for i, n := range [len(counters)]int64{1, ss.events, recordings, ss.heatmapIncrements, ss.pollAnswers,
			ss.surveyAnswers, ss.funnelMatches} {
			w.consumed[i] += n * stpRate
		}
	}
}

// sessionInserts is the INSERT of a session: its website, then sessionCols.
var sessionInserts = store.NewRowInsert("twipla_sessions", append([]string{"website_seq"}, columnNames(sessionCols)...)...)

// sessionValues writes the values of a session of the website websiteSeq in
// the order of sessionInserts' columns.
func sessionValues(vals []any, websiteSeq int64, ss *session) {
	vals[0], vals[1], vals[2], vals[3] = websiteSeq, ss.id, ss.visitorID, ss.startedAt.String()
	vals[4], vals[5], vals[6], vals[7] = ss.duration, ss.pageViews, ss.events, ss.recorded
	vals[8], vals[9], vals[10], vals[11] = ss.heatmapIncrements, ss.pollAnswers, ss.surveyAnswers, ss.funnelMatches
	for j, d := range ss.dims {
		vals[12+j] = d
	}
}

// columnNames are the names of a list of columns ("id, visitor_id, …").
func columnNames(list string) []string {
	names := strings.Split(list, ",")
	for i, n := range names {
		names[i] = strings.TrimSpace(n)
	}
	return names
}

// storeCounters writes a website's counters.
func storeCounters(s store.Scoped, w *website) error {
	sets := make([]string, len(counters))
	args := make([]any, 0, len(counters)+1)
	for i, ctr := range counters {
		sets[i] = ctr.column + ` = ?`
		args = append(args, w.consumed[i])
	}
	_, err := s.Exec(`UPDATE twipla_websites SET `+strings.Join(sets, ", ")+` WHERE tenant_id = @tenant AND seq = ?`,
		append(args, w.seq)...)
	return err
}

// dashboard is what the dashboard iframe would show (§7.4).
type dashboard struct {
	reason         string
	screen         string
	intpID         any
	intpCustomerID any
	intpWebsiteID  any
	websiteID      any
	access         any
	locale         string
	timezone       string
	startDate      any
	endDate        any
	upgrade        any
	url            string
}

func (d *dashboard) wire() wire.Object {
	var reason any
	if d.reason != "" {
		reason = d.reason
	}
	return wire.Obj("ok", d.reason == "", "screen", d.screen, "reason", reason, "intpId", d.intpID,
		"intpCustomerId", d.intpCustomerID, "intpWebsiteId", d.intpWebsiteID, "websiteId", d.websiteID,
		"access", d.access, "locale", d.locale, "timezone", d.timezone, "startDate", d.startDate,
		"endDate", d.endDate, "upgradePackageId", d.upgrade, "url", d.url)
}

var (
	localePattern = regexp.MustCompile(`^[a-z]{2}$`)
	datePattern   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// dashboardParams are the iframe's query parameters the answer's url keeps.
var dashboardParams = [...]string{"externalWebsiteId", "upgradePackageId", "allowUpgrade", "locale", "timezone",
	"startDate", "endDate"}

// dashboardURL is GET /_emulator/twipla/dashboard-url (§7.4).
func (e *Emulator) dashboardURL(c *gin.Context) (int, any, error) {
	q := c.Request.URL.Query()
	intpcToken := q.Get("intpcToken")
	if intpcToken == "" {
		intpcToken = q.Get("intpc_token")
	}
	websiteToken := q.Get("websiteToken")
	wid := q.Get("externalWebsiteId")
	switch {
	case intpcToken == "" && websiteToken == "":
		return 0, nil, emu.BadRequest("give intpcToken (or intpc_token) or websiteToken")
	case intpcToken != "" && wid == "":
		return 0, nil, emu.BadRequest("externalWebsiteId is required with an INTPC token")
	}
	d := &dashboard{screen: "dashboard", locale: "en", timezone: "UTC"}
	if localePattern.MatchString(q.Get("locale")) {
		d.locale = q.Get("locale")
	}
	if tz := q.Get("timezone"); tz != "" && tz != "Local" {
		if _, err := time.LoadLocation(tz); err == nil {
			d.timezone = tz
		}
	}
	d.startDate, d.endDate = dateParam(q.Get("startDate")), dateParam(q.Get("endDate"))
	link := url.Values{}
	for _, p := range dashboardParams {
		if q.Has(p) {
			link.Set(p, q.Get(p))
		}
	}
	if intpcToken != "" {
		link.Set("intpc_token", intpcToken)
	} else {
		link.Set("websiteToken", websiteToken)
	}
	d.url = dashboardBase + "?" + link.Encode()
	err := e.deps.Store.Read(c, func(tx *store.Tx) error {
		var w *website
		var in *intp
		var to audience
		var reason string
		if intpcToken != "" {
			in, w, to, reason = e.dashboardByINTPC(tx, d, intpcToken, wid)
		} else {
			in, w, to, reason = e.dashboardByWebsiteToken(tx, d, websiteToken)
		}
		if reason == "" && w.sub.status == statusInactive {
			reason = "website is inactive"
		}
		if reason != "" {
			d.screen, d.reason, d.access = "error", reason, nil
			return nil
		}
		return d.checkout(tx.Scope(in.tenant), in, to, q.Get("upgradePackageId"))
	})
	return http.StatusOK, d.wire(), err
}

// dashboardByINTPC runs the checks of an INTPC token; reason is the first
// failure. It fills in what it learns on the way.
func (e *Emulator) dashboardByINTPC(tx *store.Tx, d *dashboard, raw, wid string) (*intp, *website, audience, string) {
	d.intpWebsiteID = wid
	var in *intp
	keyFor := func(kid string) (*rsa.PublicKey, error) {
		var err error
		if in, err = findINTP(tx, kid); err != nil {
			return nil, tokenError("unknown key id")
		}
		return e.keys.publicKey(in.id, in.publicKey)
	}
	tok, err := e.keys.verifyToken(strings.TrimSpace(raw), keyFor, e.now, e.cfg.IgnoreExpiry)
	if err != nil {
		return nil, nil, audience{}, err.Error()
	}
	d.intpID = in.id
	if !tok.hasRole(roleINTPC) {
		return nil, nil, audience{}, "insufficient role"
	}
	cid := tok.claimString("intpc_id")
	if cid == "" {
		return nil, nil, audience{}, "missing intpc_id claim"
	}
	d.intpCustomerID = cid
	s := tx.Scope(in.tenant)
	cu, err := findCustomer(s, cid)
	if err != nil {
		return nil, nil, audience{}, err.Error()
	}
	w, err := e.dashboardWebsite(s, d, ` AND w.intp_website_id = ?`, wid)
	if err != nil {
		return nil, nil, audience{}, err.Error()
	}
	d.access = "owner"
	if w.customerSeq != cu.seq {
		var role string
		err := s.QueryRow(`SELECT role FROM twipla_contributors WHERE tenant_id = @tenant AND website_seq = ?
			AND customer_seq = ?`, w.seq, cu.seq).Scan(&role)
		if err != nil {
			return nil, nil, audience{}, "no access to this website"
		}
		d.access = role
	}
	return in, w, websiteAudience(in, w), ""
}

// dashboardByWebsiteToken runs the checks of a login refresh token.
func (e *Emulator) dashboardByWebsiteToken(tx *store.Tx, d *dashboard, refresh string) (*intp, *website, audience, string) {
	var intpID, expires string
	var websiteSeq int64
	err := tx.QueryRow(`SELECT t.key, k.website_seq, l.refresh_expires_at FROM twipla_login_tokens l
		JOIN twipla_api_keys k ON k.seq = l.api_key_seq JOIN tenants t ON t.id = l.tenant_id AND t.vendor = ?
		WHERE l.refresh_token = ?`, Name, refresh).Scan(&intpID, &websiteSeq, &expires)
	// The token expires on the clock of the INTP it names.
	if err != nil || expires <= fmtTime(e.now(intpID)) {
		return nil, nil, audience{}, "invalid website token"
	}
	in, err := findINTP(tx, intpID)
	if err != nil {
		return nil, nil, audience{}, "invalid website token"
	}
	d.intpID = in.id
	w, err := e.dashboardWebsite(tx.Scope(in.tenant), d, ` AND w.seq = ?`, websiteSeq)
	if err != nil {
		return nil, nil, audience{}, err.Error()
	}
	d.intpCustomerID, d.access = w.intpCustomerID, "apiKey"
	return in, w, websiteAudience(in, w), ""
}

// dashboardWebsite loads the website the dashboard opens, brought up to now.
func (e *Emulator) dashboardWebsite(s store.Scoped, d *dashboard, cond string, arg any) (*website, error) {
	cat, err := loadCatalog(s)
	if err != nil {
		return nil, err
	}
	w, err := findWebsite(s, cond, arg)
	if err != nil {
		return nil, err
	}
	w.roll(cat, s.Now())
	d.websiteID, d.intpWebsiteID = w.id, w.intpWebsiteID
	return w, nil
}

// websiteAudience is whom a website's packages are offered to: the website
// (website model) or its owner's account (intpc model).
func websiteAudience(in *intp, w *website) audience {
	if in.websiteModel() {
		return audience{website: w.seq, owner: w.customerSeq}
	}
	return audience{customer: w.customerSeq}
}

// checkout opens the checkout when upgradePackageId names a package the
// target can buy and the INTP lets the platform bill.
func (d *dashboard) checkout(s store.Scoped, in *intp, to audience, pkgID string) error {
	if pkgID == "" || in.billingMode != billingPlatform {
		return nil
	}
	cat, as, err := loadPackages(s)
	if err != nil {
		return err
	}
	if p, err := cat.find(pkgID); err == nil && p.kind != kindUFT && as.available(p, to) {
		d.screen, d.upgrade = "checkout", p.id
	}
	return nil
}

// dateParam echoes a YYYY-MM-DD date, else nil.
func dateParam(v string) any {
	if !datePattern.MatchString(v) {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return nil
	}
	return v
}
