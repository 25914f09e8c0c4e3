package twipla

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// chunkSessions is how many sessions the reader of a recording hands to
// its write at a time: few enough that the write starts early, enough that
// each chunk's prepared INSERT is a small part of it.
const chunkSessions = 500

// sessionChunk is sessions the reader hands over: the sessions, and the
// values sessionInserts stores for each in turn (sessionValues; the
// website's, the first of each session, is left for the write to set),
// boxed by the reader so that the write only binds them.
type sessionChunk struct {
	list   []*session
	values []any
}

// errUnread ends a streamed recording whose body the reader did not take:
// its write rolls back and the whole body is read again the old way, which
// gives the answer the helper always gave.
var errUnread = errors.New("twipla: body not of the streamed shape")

// recordStreaming records the sessions of a body while reading it: a
// reader on a goroutine of its own decodes and checks the sessions, and
// hands them over in chunks, while this goroutine stores them in the
// recording's one write. On two processors the write's time then overlaps
// the reading's instead of following it. ok is false when nothing was
// recorded, for the caller to answer from the whole body: the reader takes
// only the plain shape — an object naming intpId and intpWebsiteId (each
// once) before a sessions array of 1 to maxSessions valid sessions — and
// anything else (a bad session, bad JSON, an unknown website…) rolls the
// write back, so that such bodies are answered exactly as before, after
// one more reading.
func (e *Emulator) recordStreaming(c *gin.Context, body []byte) (out wire.Object, ok bool) {
	r := readSessions(body, e.now)
	defer r.close()
	<-r.header
	if r.intpID == "" {
		return nil, false
	}
	now := r.now
	err := e.deps.Store.Write(c, func(tx *store.Tx) error {
		rec, err := startRecording(tx, r.intpID, r.wid, now)
		if err != nil {
			return err
		}
		site := any(rec.w.seq)
		for chunk := range r.chunks {
			countSessions(rec.w, chunk.list)
			err := rec.s.InsertRows(sessionInserts, len(chunk.list), func(i int, vals []any) {
				copy(vals, chunk.values[i*len(vals):])
				vals[0] = site
			})
			if err != nil {
				return err
			}
		}
		<-r.done
		if !r.ok {
			return errUnread
		}
		out, err = rec.finish(len(r.list), r.answer)
		return err
	})
	return out, err == nil
}

// sessionReader reads the sessions of a recording's body on a goroutine of
// its own (read).
type sessionReader struct {
	// header is closed once intpID, wid and now are set (when the
	// sessions array begins), or once the reader gave up before: then
	// intpID is "".
	header      chan struct{}
	intpID, wid string
	now         time.Time
	// chunks carries the sessions checked so far; closed when the reader
	// returns.
	chunks chan sessionChunk
	// done is closed when the reader returned; list, answer and ok are
	// set then.
	done   chan struct{}
	list   []*session // every session, in order
	answer wire.Raw   // the array of them as sessionList writes it
	ok     bool       // the body is of the plain shape and every session is valid
	// stop, closed by close, makes the reader give up at its next chunk.
	stop     chan struct{}
	stopOnce sync.Once
}

// readSessions starts reading body.
func readSessions(body []byte, now func(intpID string) time.Time) *sessionReader {
	r := &sessionReader{header: make(chan struct{}), chunks: make(chan sessionChunk, 4), done: make(chan struct{}),
		stop: make(chan struct{})}
	go r.read(body, now)
	return r
}

// close makes the reader stop and waits until it has returned, so that no
// reader outlives its request.
func (r *sessionReader) close() {
	r.stopOnce.Do(func() { close(r.stop) })
	<-r.done
}

func (r *sessionReader) read(body []byte, now func(string) time.Time) {
	announced := false
	defer close(r.done)
	defer close(r.chunks)
	defer func() {
		if !announced {
			close(r.header)
		}
	}()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return
	}
	// top holds the members read so far, as parseFields would, so that
	// the ids are checked by the same rules.
	top := fields{m: map[string]any{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return
		}
		k, _ := t.(string)
		if _, twice := top.m[k]; twice {
			return // the last one would count: not known before the end
		}
		if k != "sessions" {
			var v any
			if err := dec.Decode(&v); err != nil {
				return
			}
			top.m[k] = v
			continue
		}
		top.m[k] = nil
		intpID, err := top.str("intpId")
		if err != nil {
			return
		}
		wid, err := top.str("intpWebsiteId")
		if err != nil {
			return
		}
		r.intpID, r.wid, r.now = intpID, wid, now(intpID)
		announced = true
		close(r.header)
		if !r.sessions(dec, len(body)) {
			return
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') || len(r.list) == 0 {
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		return // trailing data
	}
	r.ok = true
}

// sessions reads and checks the sessions array, handing the sessions over
// in chunks, and writes the answer's array of them.
func (r *sessionReader) sessions(dec *json.Decoder, size int) bool {
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return false
	}
	var answer wire.Builder
	answer.Grow(size / 2 * 3) // a session's answer is ~1.5× what the benchmark sends
	answer.BeginArray()
	width := sessionInserts.Width()
	chunk := sessionChunk{list: make([]*session, 0, chunkSessions), values: make([]any, 0, chunkSessions*width)}
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			return false
		}
		m, isObject := v.(map[string]any)
		if !isObject || len(r.list) == maxSessions {
			return false
		}
		ss, err := readSession(fields{m: m}, r.now)
		if err != nil {
			return false
		}
		r.list = append(r.list, ss)
		writeSession(&answer, ss)
		chunk.list = append(chunk.list, ss)
		n := len(chunk.values)
		chunk.values = chunk.values[:n+width]
		sessionValues(chunk.values[n:], 0, ss)
		if len(chunk.list) == chunkSessions {
			if !r.send(chunk) {
				return false
			}
			chunk = sessionChunk{list: make([]*session, 0, chunkSessions), values: make([]any, 0, chunkSessions*width)}
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim(']') || len(r.list) == 0 {
		return false
	}
	answer.EndArray()
	var err error
	if r.answer, err = answer.Raw(); err != nil {
		return false
	}
	return r.send(chunk)
}

// send hands a chunk over, unless the reader is told to stop.
func (r *sessionReader) send(chunk sessionChunk) bool {
	select {
	case <-r.stop:
		return false
	default:
	}
	if len(chunk.list) == 0 {
		return true
	}
	select {
	case r.chunks <- chunk:
		return true
	case <-r.stop:
		return false
	}
}
