package twipla_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/store"
)

// recordingBody is a recording's body with its members in the given order;
// sessions is the array's text.
func recordingBody(members ...string) string {
	return "{" + strings.Join(members, ",") + "}"
}

// sessionsArray is n valid sessions, the one at bad (if 0 ≤ bad < n)
// replaced by badText.
func sessionsArray(n, bad int, badText string) string {
	var b strings.Builder
	b.WriteString(`"sessions":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == bad {
			b.WriteString(badText)
			continue
		}
		fmt.Fprintf(&b, `{"startedAt":"2031-03-%02dT%02d:%02d:00Z","pageViews":%d,"country":"DE","device":"mobile"}`,
			1+i%9, i%24, i%60, 1+i%5)
	}
	b.WriteByte(']')
	return b.String()
}

// A recording is stored while its body is still being decoded. Whatever is
// wrong with a big batch, wherever in it, the answer is the one the helper
// gives when it checks the whole body first — the first error in its order
// (the JSON, the ids, the array's shape and size, the sessions in order,
// then the INTP and the website) — and nothing of the batch is stored,
// though thousands of its sessions were written before the fault was read.
func TestRecordingRefusedWholeWherever(t *testing.T) {
	e := newEnv(t)
	e.as(websiteINTP).customer("c1", "w1", pkgBusiness)
	intp := fmt.Sprintf(`"intpId":%q`, websiteINTP)
	w1 := `"intpWebsiteId":"w1"`
	good := sessionsArray(10_000, -1, "")
	stored := func() (sessions, visits int64) {
		err := e.srv.Store().Read(context.Background(), func(tx *store.Tx) error {
			if err := tx.QueryRow(`SELECT count(*) FROM twipla_sessions`).Scan(&sessions); err != nil {
				return err
			}
			return tx.QueryRow(`SELECT consumed_visit FROM twipla_websites`).Scan(&visits)
		})
		if err != nil {
			t.Fatal(err)
		}
		return sessions, visits
	}
	for _, c := range []struct {
		name, body string
		status     int
		answer     string
	}{
		{"a bad session late", recordingBody(intp, w1, sessionsArray(10_000, 9_990, `{"pageViews":0}`)),
			400, `{"error":"sessions[9990].pageViews must be an integer of at least 1"}`},
		{"a bad device in the last session", recordingBody(intp, w1, sessionsArray(10_000, 9_999, `{"device":"phone"}`)),
			400, `{"error":"sessions[9999].device must be one of desktop, mobile, tablet"}`},
		{"a session that is not an object", recordingBody(intp, w1, sessionsArray(9_000, 8_000, `7`)),
			400, `{"error":"sessions must be an array of objects"}`},
		{"a non-object after a bad session", recordingBody(intp, w1, sessionsArray(9_000, 8_000, `{"events":-1},null`)),
			400, `{"error":"sessions must be an array of objects"}`},
		{"one session too many", recordingBody(intp, w1, sessionsArray(10_001, -1, "")),
			400, `{"error":"at most 10000 sessions can be recorded at once"}`},
		{"broken JSON at the end", recordingBody(intp, w1, good)[:len(good)+len(intp)+len(w1)+3],
			400, `{"error":"body must be a JSON object"}`},
		{"data after the object", recordingBody(intp, w1, good) + ` {}`,
			400, `{"error":"body must be a JSON object"}`},
		{"an intpId after the sessions, the last one counting", recordingBody(intp, w1, good, `"intpId":"nobody"`),
			404, `{"error":"unknown INTP \"nobody\""}`},
		{"a number for intpId", recordingBody(`"intpId":5`, w1, good),
			400, `{"error":"intpId must be a string"}`},
		{"an unknown website", recordingBody(intp, `"intpWebsiteId":"w9"`, good),
			404, fmt.Sprintf(`{"error":"unknown website \"w9\" of INTP %s"}`, websiteINTP)},
		{"an unknown website and a bad session", recordingBody(intp, `"intpWebsiteId":"w9"`, sessionsArray(10_000, 9_000, `{"duration":"long"}`)),
			400, `{"error":"sessions[9000].duration must be an integer"}`},
	} {
		r := e.srv.Lenient().Do("POST", "/_emulator/twipla/sessions", c.body)
		if r.Status != c.status || r.Body != c.answer {
			t.Errorf("%s: %d %.300s, want %d %s", c.name, r.Status, r.Body, c.status, c.answer)
		}
		if n, visits := stored(); n != 0 || visits != 0 {
			t.Fatalf("%s: %d sessions stored, %d visits counted", c.name, n, visits)
		}
		// The request's reader of the body returned before it was answered
		// (its goroutine may take a moment to end after that).
		if all := readers(); all != "" {
			t.Fatalf("%s: a reader outlived its request:\n%s", c.name, all)
		}
	}

	// The same sessions in another member order are recorded alike.
	for i, body := range []string{recordingBody(intp, w1, good), recordingBody(good, w1, intp), recordingBody(w1, good, intp, `"x":[1]`)} {
		r := e.srv.Lenient().Do("POST", "/_emulator/twipla/sessions", body)
		var answer struct {
			Recorded int
			Sessions []map[string]any
		}
		if err := json.Unmarshal([]byte(r.Body), &answer); err != nil || r.Status != 201 {
			t.Fatalf("order %d: %d %.300s", i, r.Status, r.Body)
		}
		if answer.Recorded != 10_000 || len(answer.Sessions) != 10_000 || answer.Sessions[9_999]["startedAt"] != "2031-03-01T15:39:00Z" {
			t.Fatalf("order %d: recorded %d, %d sessions", i, answer.Recorded, len(answer.Sessions))
		}
		if n, _ := stored(); n != int64(10_000*(i+1)) {
			t.Fatalf("order %d: %d sessions stored", i, n)
		}
	}
}

// readers is the stacks of all goroutines if one is still reading a
// recording's body (sessionReader), else "". A reader that has returned
// may still be leaving: it is given up to 1,000 turns of the scheduler.
func readers() string {
	stacks := make([]byte, 1<<20)
	for range 1000 {
		all := string(stacks[:runtime.Stack(stacks, true)])
		if !strings.Contains(all, "sessionReader") {
			return ""
		}
		runtime.Gosched()
	}
	return string(stacks[:runtime.Stack(stacks, true)])
}

// The streamed path and the whole-body path answer a recording alike:
// the same sessions of the same shape, one body decoded as it is stored
// and one (its members in another order) decoded whole first, into two
// fresh websites of one package give the same answer byte for byte, the
// consumption included, once the random session and visitor ids are set
// aside.
func TestRecordingAnsweredAlikeByBothPaths(t *testing.T) {
	e := newEnv(t)
	e.as(websiteINTP).customer("c1", "w1", pkgBusiness)
	e.as(websiteINTP).customer("c2", "w2", pkgBusiness)
	intp := fmt.Sprintf(`"intpId":%q`, websiteINTP)
	sessions := sessionsArray(2_345, 7, `{"visitorId":"v7","duration":0,"events":3,"recorded":true,"heatmapIncrements":2,
		"pollAnswers":1,"surveyAnswers":4,"funnelMatches":5,"browser":"F\u00fc\"x","utmSource":"s"}`)
	ids := regexp.MustCompile(`"(id|visitorId)":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"`)
	answer := func(body string) string {
		t.Helper()
		r := e.srv.Lenient().Do("POST", "/_emulator/twipla/sessions", body)
		if r.Status != 201 {
			t.Fatalf("%d %.300s", r.Status, r.Body)
		}
		return ids.ReplaceAllString(r.Body, `"$1":"…"`)
	}
	streamed := answer(recordingBody(intp, `"intpWebsiteId":"w1"`, sessions))
	whole := answer(recordingBody(sessions, intp, `"intpWebsiteId":"w2"`))
	if streamed != whole {
		t.Fatalf("the streamed answer differs from the whole-body one:\n%.600s\n…\n%.600s", streamed, whole)
	}
	if !strings.Contains(streamed, `"visitorId":"v7"`) || !strings.Contains(streamed, `"consumption":{`) {
		t.Fatalf("answer %.300s…", streamed)
	}
}
