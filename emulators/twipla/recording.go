package twipla

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// chunkSessions is how many sessions the reader of a recording hands to
// its write at a time: few enough that the write starts early, enough that
// each chunk's prepared INSERT is a small part of it.
const chunkSessions = 500

// maxAnswerSession is about the most a session's answer takes with short
// dimensions (~350 bytes), with room to spare.
const maxAnswerSession = 512

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

// recordStreaming records the sessions of a body while decoding it: a
// reader on a goroutine of its own decodes and checks the sessions, and
// hands them over in chunks, while this goroutine stores them in the
// recording's one write. On two processors the write's time then overlaps
// the decoding's instead of following it. ok is false when nothing was
// recorded, for the caller to answer from the whole body: the reader takes
// only the plain shape — an object of intpId and intpWebsiteId (strings,
// each once) then a sessions array of 1 to maxSessions valid sessions,
// nothing else — and anything else (a bad session, bad JSON, another
// member, an unknown website…) rolls the write back, so that such bodies
// are answered exactly as before, after one more decoding. The price of
// the overlap: a body refused late (its last session bad) holds the
// store's writer while its earlier sessions are stored and rolled back
// (~0.15 s for 10,000), where checking first never took it. err is a
// failure of the store, not of the body: answered as the whole-body path
// would answer it, not tried again.
func (e *Emulator) recordStreaming(c *gin.Context, body []byte) (ok bool, err error) {
	r := readSessions(body, e.now)
	defer func() {
		r.close()
		if r.panicked != nil {
			panic(r.panicked) // for the server's recovery, as if the handler had
		}
	}()
	// The write (which holds the store's writer) begins once the first
	// chunk is read; a body refused early never takes the writer.
	first, read := <-r.chunks
	if !read {
		return false, nil
	}
	var consumption wire.Object
	err = e.deps.Store.Write(c, func(tx *store.Tx) error {
		rec, err := startRecording(tx, r.intpID, r.wid, r.now)
		if err != nil {
			return err
		}
		site := any(rec.w.seq)
		for chunk, more := first, true; more; chunk, more = <-r.chunks {
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
		consumption, err = rec.finish()
		return err
	})
	var ae *apiError
	var ee *emu.Error
	switch {
	case err == nil:
	case errors.Is(err, errUnread), errors.As(err, &ae), errors.As(err, &ee):
		return false, nil // the body's fault: the whole-body path names it
	default:
		return false, err
	}
	answerRecorded(c.Writer, len(r.list), r.answer, consumption)
	return true, nil
}

// answerRecorded writes the answer of a streamed recording, the bytes and
// headers wire.JSON writes for wire.Obj("recorded", n, "sessions",
// sessions, "consumption", consumption) with status 201, in three parts
// (wire.Parts): the long array of sessions straight from the reader's
// buffer, not copied into an answer first.
func answerRecorded(w http.ResponseWriter, n int, sessions wire.Raw, consumption wire.Object) {
	tail, err := wire.Marshal(consumption)
	if err != nil {
		wire.Fail(w, fmt.Errorf("wire: cannot encode the answer: %w", err))
		return
	}
	head := `{"recorded":` + strconv.Itoa(n) + `,"sessions":`
	wire.Parts(w, http.StatusCreated, wire.JSONType, []byte(head), sessions,
		append(append([]byte(`,"consumption":`), tail...), '}'))
}

// sessionReader reads the sessions of a recording's body on a goroutine of
// its own (read).
type sessionReader struct {
	// intpID, wid and now are set before the first chunk is sent.
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
	// panicked is what the reader panicked with, for its request to
	// panic with (a goroutine of its own would end the process).
	panicked any
	// stop, closed by close, makes the reader give up at its next chunk.
	stop     chan struct{}
	stopOnce sync.Once
}

// readSessions starts reading body.
func readSessions(body []byte, now func(intpID string) time.Time) *sessionReader {
	r := &sessionReader{chunks: make(chan sessionChunk, 4), done: make(chan struct{}),
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
	defer close(r.done)
	defer close(r.chunks)
	defer func() {
		if p := recover(); p != nil {
			r.panicked, r.ok = p, false
		}
	}()
	sc := &scanner{b: body}
	if !sc.next('{') || sc.next('}') {
		return
	}
	var intpID, wid string
	var haveINTP, haveWebsite, haveSessions bool
	for {
		key, ok := sc.str()
		if !ok || !sc.next(':') {
			return
		}
		switch {
		case key == "intpId" && !haveINTP:
			intpID, ok = sc.str()
			haveINTP = true
		case key == "intpWebsiteId" && !haveWebsite:
			wid, ok = sc.str()
			haveWebsite = true
		case key == "sessions" && !haveSessions && haveINTP && haveWebsite:
			// The ids' rule (fields.str): not blank.
			if strings.TrimSpace(intpID) == "" || strings.TrimSpace(wid) == "" {
				return
			}
			r.intpID, r.wid, r.now = intpID, wid, now(intpID)
			ok = r.sessions(sc, len(body))
			haveSessions = true
		default:
			// Another member, a member twice (the last would count), or
			// the sessions before the ids.
			return
		}
		if !ok {
			return
		}
		if sc.next(',') {
			continue
		}
		if !sc.next('}') {
			return
		}
		break
	}
	r.ok = haveSessions && sc.end()
}

// sessions reads and checks the sessions array, handing the sessions over
// in chunks, and writes the answer's array of them.
func (r *sessionReader) sessions(sc *scanner, size int) bool {
	if !sc.next('[') || sc.next(']') {
		return false
	}
	var answer wire.Builder
	// A session's answer is ~1.7× what the benchmark sends; a body padded
	// with members the answer drops gets no more than its sessions need.
	answer.Grow(min(size*2, maxSessions*maxAnswerSession))
	answer.BeginArray()
	width := sessionInserts.Width()
	chunk := sessionChunk{list: make([]*session, 0, chunkSessions), values: make([]any, 0, chunkSessions*width)}
	for {
		if len(r.list) == maxSessions {
			return false
		}
		ss, ok := sc.session(r.now)
		if !ok {
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
		if sc.next(',') {
			continue
		}
		if !sc.next(']') {
			return false
		}
		break
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
