package store

import (
	"errors"
	"strings"
)

// Reading a row costs the driver two allocations per text column (the
// string, and the interface it is handed over in) and a conversion each
// through database/sql. A query that reads many text columns of many rows
// (a package list: nine of each package's twelve) can have SQLite pack
// them into one text value instead, which Unpack splits again without
// copying: PackText(...) in the SELECT list, scanned into a string, read
// back with an Unpack in the same order.

// PackText is the SQL expression of one text value that holds the values
// of exprs as text, in order, each one as its length in bytes, ':' and its
// bytes, or '-' for NULL. Each value comes back as the driver would have
// handed it over scanned into a string: a TEXT column's text or a BLOB's
// bytes; an integer's digits. Not a REAL: SQL writes 199.0 where Go writes
// 199. Each expression appears twice in the SQL. (A chain of || measured
// cheaper than one concat() of the same pieces.)
func PackText(exprs ...string) string {
	var b strings.Builder
	for i, e := range exprs {
		if i > 0 {
			b.WriteString(" || ")
		}
		b.WriteString("coalesce(octet_length(" + e + ") || ':' || " + e + ", '-')")
	}
	return b.String()
}

// errPacked is a value that PackText did not write.
var errPacked = errors.New("store: not a value of PackText")

// Unpack reads the values of a PackText value one after another; the
// strings it returns share the packed value's memory.
type Unpack struct {
	rest string
	err  error
}

// NewUnpack reads the PackText value packed.
func NewUnpack(packed string) Unpack { return Unpack{rest: packed} }

// Text is the next value and true, or "" and false for NULL (or once the
// value turned out not to be one PackText wrote: see Err).
func (u *Unpack) Text() (string, bool) {
	if u.err != nil {
		return "", false
	}
	if strings.HasPrefix(u.rest, "-") {
		u.rest = u.rest[1:]
		return "", false
	}
	n, i := 0, 0
	for ; i < len(u.rest) && u.rest[i] >= '0' && u.rest[i] <= '9'; i++ {
		if n > len(u.rest) {
			break // longer than what is left: fails below
		}
		n = n*10 + int(u.rest[i]-'0')
	}
	if i == 0 || i >= len(u.rest) || u.rest[i] != ':' || n > len(u.rest)-i-1 {
		u.err = errPacked
		return "", false
	}
	v := u.rest[i+1 : i+1+n]
	u.rest = u.rest[i+1+n:]
	return v, true
}

// String is the next value, "" for NULL.
func (u *Unpack) String() string {
	s, _ := u.Text()
	return s
}

// Err is the error of a value that PackText did not write, or of one
// with values left unread (the SQL and the reader disagree).
func (u *Unpack) Err() error {
	if u.err == nil && u.rest != "" {
		return errPacked
	}
	return u.err
}
