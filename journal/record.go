package journal

import (
	"encoding/binary"
	"net/http"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// record is an entry as the ring keeps it: its numbers, and all of its
// text — the strings and both header sets — in one string that holds
// no pointers. A full journal (10,000 entries by default) is then 10,000
// objects for the garbage collector to mark on every cycle rather than
// twenty times as many, and recording an exchange allocates once.
type record struct {
	id, fault  int64
	unixNano   int64 // the entry's Time (zeroTime: the zero Time)
	status     int
	durationMS float64
	size       int64 // what the entry counts against Limits.MaxBytes
	// text holds the string fields, then the request headers up to
	// reqHeaders, then the response headers. ends are the ends of the
	// string fields in text (fieldVendor…fieldResponseBody).
	text       string
	ends       [fields]uint32
	reqHeaders uint32
	// nilHeaders marks header sets that were nil in the Entry added
	// (bit 0 the request's, bit 1 the response's), so that they list as
	// null again.
	nilHeaders uint8
}

// The string fields of a record, in the order of text.
const (
	fieldVendor = iota
	fieldTenant
	fieldMethod
	fieldPath
	fieldQuery
	fieldRequestBody
	fieldResponseBody
	fields
)

// zeroTime stands for the zero time.Time, whose UnixNano is undefined.
const zeroTime = -1 << 63

// field is string field i, sharing the record's memory.
func (r *record) field(i int) string {
	start := uint32(0)
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.text[start:r.ends[i]]
}

// bytesString views b as a string without copying; b must not change
// afterwards.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// entry is the record as an Entry.
func (r *record) entry() Entry {
	e := Entry{
		ID:           r.id,
		Vendor:       r.field(fieldVendor),
		Tenant:       r.field(fieldTenant),
		Method:       r.field(fieldMethod),
		Path:         r.field(fieldPath),
		Query:        r.field(fieldQuery),
		Status:       r.status,
		Fault:        r.fault,
		DurationMS:   r.durationMS,
		RequestBody:  r.field(fieldRequestBody),
		ResponseBody: r.field(fieldResponseBody),
	}
	if r.unixNano != zeroTime {
		e.Time = time.Unix(0, r.unixNano).UTC()
	}
	if r.nilHeaders&1 == 0 {
		e.RequestHeaders = decodeHeaders(r.text[r.ends[fields-1]:r.reqHeaders])
	}
	if r.nilHeaders&2 == 0 {
		e.ResponseHeaders = decodeHeaders(r.text[r.reqHeaders:])
	}
	return e
}

// decodeHeaders reads a header set written by recordBuilder.pair.
func decodeHeaders(s string) map[string]string {
	m := map[string]string{}
	for len(s) > 0 {
		k, rest := next(s)
		v, rest := next(rest)
		m[k] = v
		s = rest
	}
	return m
}

// next is the length-prefixed string s starts with (see pair), and the
// rest of s.
func next(s string) (string, string) {
	n, shift, w := 0, 0, 0
	for {
		c := s[w]
		w++
		n |= int(c&0x7f) << shift
		if c < 0x80 {
			break
		}
		shift += 7
	}
	return s[w : w+n], s[w+n:]
}

// recordBuilder writes a record's text.
type recordBuilder struct {
	r record
	// text is written into a strings.Builder, which sizes its buffer
	// without zeroing it first (as make would): an answer is copied
	// once, not cleared and copied.
	text strings.Builder
	room int // what the header set being written may still take
}

// begin writes the string fields, each cut to its limit, and sizes text
// for them and a typical set of headers.
func (b *recordBuilder) begin(vendor, tenant, method, path, query, reqBody, respBody string) {
	vals := [fields]string{vendor, cut(tenant, PathLimit), cut(method, PathLimit), cut(path, PathLimit),
		cut(query, QueryLimit), cut(reqBody, BodyLimit), cut(respBody, BodyLimit)}
	n := 0
	for _, v := range vals {
		n += len(v)
	}
	b.text.Grow(n + 512)
	for i, v := range vals {
		b.text.WriteString(v)
		b.r.ends[i] = uint32(b.text.Len())
	}
	b.r.size = entryOverhead + int64(n)
}

// endRequest marks the end of the request's headers.
func (b *recordBuilder) endRequest() { b.r.reqHeaders = uint32(b.text.Len()) }

// record is the record written.
func (b *recordBuilder) record() record {
	b.r.text = b.text.String()
	return b.r
}

// pair writes one header, or leaves it out when it does not fit the set's
// bounds (HeaderValueLimit, HeadersLimit): headers are offered in name
// order, so the ones past the bound in that order are the ones left out.
func (b *recordBuilder) pair(k, v string) {
	v = cut(v, HeaderValueLimit)
	if len(k) > HeaderValueLimit || len(k)+len(v) > b.room {
		return
	}
	b.room -= len(k) + len(v)
	b.r.size += int64(len(k) + len(v))
	var n [binary.MaxVarintLen64]byte
	b.text.Write(binary.AppendUvarint(n[:0], uint64(len(k))))
	b.text.WriteString(k)
	b.text.Write(binary.AppendUvarint(n[:0], uint64(len(v))))
	b.text.WriteString(v)
}

// headerMap writes an Entry's header set; nilBit is its nilHeaders bit.
func (b *recordBuilder) headerMap(h map[string]string, nilBit uint8) {
	b.room = HeadersLimit
	if h == nil {
		b.r.nilHeaders |= nilBit
		return
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		b.pair(k, h[k])
	}
}

// header writes a server's header set, flattened and masked as
// MaskHeaders does, with host (when not empty) as its Host header.
func (b *recordBuilder) header(h http.Header, host string) {
	b.room = HeadersLimit
	var small [24]string
	names := small[:0]
	for k := range h {
		names = append(names, k)
	}
	if host != "" && h["Host"] == nil {
		names = append(names, "Host")
	}
	slices.Sort(names)
	var scratch [256]byte
	for _, k := range names {
		if k == "Host" && host != "" {
			b.pair(k, host)
			continue
		}
		// pair copies the value at once: scratch serves every header.
		b.pair(k, bytesString(maskedValue(scratch[:0], k, h[k])))
	}
}
