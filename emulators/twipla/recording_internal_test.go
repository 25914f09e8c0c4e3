package twipla

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/wire"
)

// FuzzSessionReader: whatever the body, the streamed reader either gives
// up (and the whole-body path answers) or takes exactly what the
// whole-body path takes — the same ids, the same sessions with the same
// values (random ids aside), handed over whole and in order, with the
// values sessionInserts stores and the answer's array as sessionList
// writes it. It never hangs, whether its chunks are taken or it is told
// to stop.
func FuzzSessionReader(f *testing.F) {
	for _, body := range []string{
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{}]}`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{"visitorId":"v","startedAt":"2031-03-10T09:00:00.5+02:00","duration":0,
			"pageViews":3,"events":2,"recorded":true,"heatmapIncrements":1,"pollAnswers":2,"surveyAnswers":3,"funnelMatches":4,
			"country":"DE","device":"tablet","browser":"F\u00fc\"x\\","os":"","referrer":"r","landingPage":"/p","utmSource":"s",
			"utmMedium":"m","utmCampaign":"c"}],"extra":{"a":[1,2]}}`,
		`{"sessions":[{}],"intpId":"i","intpWebsiteId":"w"}`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{}],"intpId":"j"}`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{"pageViews":1e2},{"events":1.0},{"duration":-0},{"country":null}]}`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{"recorded":"yes"}]}`,
		"{\"intpId\":\"i\",\"intpWebsiteId\":\"w\",\"sessions\":[{\"browser\":\"\xff\xfe\"},{\"os\":\"\\ud800\"}]}",
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{},null]}`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[]}`,
		`{"intpId":" ","intpWebsiteId":"w","sessions":[{}]}`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{"duration":1,"duration":2}]} x`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{}]`,
		` {"intpId":"i","intpWebsiteId":"w","sessions":[{"device":"mobile"}]} `,
	} {
		f.Add([]byte(body), false)
	}
	clock := func(string) time.Time { return time.Date(2031, 3, 10, 12, 0, 0, 500, time.UTC) }
	f.Fuzz(func(t *testing.T, body []byte, stopEarly bool) {
		r := readSessions(body, clock)
		var chunks []sessionChunk
		if stopEarly {
			r.close()
		} else {
			for ch := range r.chunks {
				chunks = append(chunks, ch)
			}
			r.close()
		}
		if !r.ok {
			return
		}
		fields, err := parseControlFields(body)
		if err != nil {
			t.Fatalf("the reader took a body the whole-body path refuses: %v", err)
		}
		intpID, wid, _, list, err := readRecording(fields, clock)
		if err != nil {
			t.Fatalf("the reader took a body the whole-body path refuses: %v", err)
		}
		if r.intpID != intpID || r.wid != wid || len(r.list) != len(list) {
			t.Fatalf("reader %q %q %d sessions, whole body %q %q %d", r.intpID, r.wid, len(r.list), intpID, wid, len(list))
		}
		for i, ss := range r.list {
			want := *list[i]
			if !isUUID(ss.id) || (ss.visitorID != want.visitorID && !(isUUID(ss.visitorID) && isUUID(want.visitorID))) {
				t.Fatalf("session %d: ids %q %q, whole body %q %q", i, ss.id, ss.visitorID, want.id, want.visitorID)
			}
			want.id, want.visitorID = ss.id, ss.visitorID
			if *ss != want {
				t.Fatalf("session %d:\n%+v\nwhole body:\n%+v", i, *ss, want)
			}
		}
		if stopEarly {
			return
		}
		var handed []*session
		for _, ch := range chunks {
			width := sessionInserts.Width()
			if len(ch.values) != len(ch.list)*width {
				t.Fatalf("a chunk of %d sessions has %d values", len(ch.list), len(ch.values))
			}
			for i, ss := range ch.list {
				want := make([]any, width)
				sessionValues(want, 0, ss)
				if got := ch.values[i*width : (i+1)*width]; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("values %v, want %v", got, want)
				}
			}
			handed = append(handed, ch.list...)
		}
		if len(handed) != len(r.list) {
			t.Fatalf("%d sessions handed over of %d", len(handed), len(r.list))
		}
		for i := range handed {
			if handed[i] != r.list[i] {
				t.Fatalf("session %d handed over out of order", i)
			}
		}
		want, err := wire.Marshal(sessionList(r.list))
		if err != nil {
			t.Fatal(err)
		}
		if string(r.answer) != string(want) {
			t.Fatalf("answer:\n%s\nsessionList:\n%s", r.answer, want)
		}
	})
}

// A batch of the most sessions, valid to the last, is taken whole and
// handed over in full chunks; one more session, or a bad one anywhere, and
// the reader gives up.
func TestSessionReaderBigBatches(t *testing.T) {
	clock := func(string) time.Time { return time.Date(2031, 3, 10, 12, 0, 0, 0, time.UTC) }
	body := func(n, bad int) []byte {
		var b strings.Builder
		b.WriteString(`{"intpId":"i","intpWebsiteId":"w","sessions":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			if i == bad {
				b.WriteString(`{"device":"phone"}`)
			} else {
				fmt.Fprintf(&b, `{"pageViews":%d}`, 1+i)
			}
		}
		b.WriteString(`]}`)
		return []byte(b.String())
	}
	read := func(b []byte) (*sessionReader, int) {
		r := readSessions(b, clock)
		chunks := 0
		for ch := range r.chunks {
			if len(ch.list) != chunkSessions {
				t.Fatalf("a chunk of %d sessions", len(ch.list))
			}
			chunks++
		}
		r.close()
		return r, chunks
	}
	if r, chunks := read(body(maxSessions, -1)); !r.ok || len(r.list) != maxSessions || chunks != maxSessions/chunkSessions ||
		r.list[maxSessions-1].pageViews != maxSessions {
		t.Fatalf("ok %v, %d sessions in %d chunks", r.ok, len(r.list), chunks)
	}
	for _, b := range [][]byte{body(maxSessions+1, -1), body(maxSessions, maxSessions-1), body(maxSessions, 0)} {
		if r, _ := read(b); r.ok {
			t.Fatalf("took %d sessions", len(r.list))
		}
	}
	// Told to stop (its write failed) while no one takes its chunks, the
	// reader returns at its next chunk.
	r := readSessions(body(maxSessions, -1), clock)
	<-r.chunks
	r.close()
	if r.ok || len(r.list) > (2+cap(r.chunks))*chunkSessions {
		t.Fatalf("after stop: ok %v, %d sessions read", r.ok, len(r.list))
	}
}

// The reader takes the bodies clients send — every member, escapes, text
// past ASCII, nulls, members it ignores, a member named twice, whitespace
// anywhere — so that they are stored while being read.
func TestSessionReaderTakesPlainBodies(t *testing.T) {
	clock := func(string) time.Time { return time.Date(2031, 3, 10, 12, 0, 0, 0, time.UTC) }
	for _, body := range []string{
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{}]}`,
		"\n{ \"intpId\" : \"i\" ,\r\n\t\"intpWebsiteId\":\"w\", \"sessions\" : [ { } , {\"pageViews\" : 2 } ] }\n",
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{"visitorId":"v","startedAt":"2031-03-10T09:00:00.5+02:00",
			"duration":0,"pageViews":3,"events":2,"recorded":true,"heatmapIncrements":1,"pollAnswers":2,"surveyAnswers":3,
			"funnelMatches":4,"country":"DE","device":"tablet","browser":"F\u00fc\"x\\","os":"","referrer":"r\/",
			"landingPage":"/p","utmSource":"s","utmMedium":"m","utmCampaign":"c"},{"recorded":false,"duration":-0}]}`,
		`{"intpId":"i","intpWebsiteId":"w","sessions":[{"country":null,"visitorId":null,"startedAt":null,"events":null,
			"recorded":null,"extra":"x","more":12,"flag":true,"none":null,"pageViews":0,"pageViews":5,"device":"Mobile",
			"device":"mobile","os":"Ünïcödé 😀"}]}`,
	} {
		r := readSessions([]byte(body), clock)
		for range r.chunks {
		}
		r.close()
		if !r.ok || len(r.list) == 0 {
			t.Errorf("not taken: %s", body)
		}
	}
}

// A streamed recording's answer, written in pieces, is what wire.JSON
// writes for the same object: status, headers and bytes.
func TestAnswerRecordedAsWireJSON(t *testing.T) {
	list := []*session{
		{id: "a", visitorID: "v\"1", startedAt: stamp{time.Date(2031, 3, 2, 9, 0, 0, 0, time.UTC)}, duration: 120,
			pageViews: 3, recorded: true, dims: sessionDefaults},
		{id: "b", visitorID: "ü", startedAt: stamp{time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)}, dims: sessionDefaults},
	}
	raw, err := wire.Marshal(sessionList(list))
	if err != nil {
		t.Fatal(err)
	}
	consumption := wire.Obj("stpLimit", 3000, "stpConsumed", 2, "note", "x\u2028<")
	got, want := httptest.NewRecorder(), httptest.NewRecorder()
	answerRecorded(got, len(list), raw, consumption)
	wire.JSON(want, http.StatusCreated, wire.Obj("recorded", len(list), "sessions", sessionList(list), "consumption", consumption))
	if got.Code != want.Code || fmt.Sprint(got.Header()) != fmt.Sprint(want.Header()) || got.Body.String() != want.Body.String() {
		t.Fatalf("answerRecorded: %d %v\n%s\nwire.JSON: %d %v\n%s", got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
	}
}

// A reader that panics gives up without ending the process, and keeps
// what it panicked with for its request to panic with.
func TestSessionReaderPanicKept(t *testing.T) {
	r := readSessions([]byte(`{"intpId":"i","intpWebsiteId":"w","sessions":[{}]}`), func(string) time.Time { panic("clock broke") })
	for range r.chunks {
	}
	r.close()
	if r.ok || r.panicked != "clock broke" {
		t.Fatalf("ok %v, panicked %v", r.ok, r.panicked)
	}
}
