package keitaro

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

// TestInListAsLowered checks inList's list of parameters against the
// lowered JSON list it stands for (lower(x) IN (SELECT lower(value) FROM
// json_each(?))): on random texts of ASCII and other letters, with and
// without case, both select the same values.
func TestInListAsLowered(t *testing.T) {
	st := openStore(t, func() time.Time { return time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC) })
	rnd := rand.New(rand.NewPCG(7, 18))
	letters := []string{"a", "A", "z", "Z", "ä", "Ä", "ß", "É", "é", "1", " ", "-", "_", "@", "[", "`", "{"}
	word := func() string {
		var b strings.Builder
		for range rnd.IntN(4) {
			b.WriteString(letters[rnd.IntN(len(letters))])
		}
		return b.String()
	}
	matched := 0
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		matched = 0
		for i := range 3000 {
			f := filter{typ: tString, fold: i%2 == 0, listed: true}
			for range 1 + rnd.IntN(4) {
				f.list = append(f.list, word())
			}
			x := word()
			in, args := f.inList("x")
			want := "x IN (SELECT value FROM json_each(?))"
			if f.fold {
				want = "lower(x) IN (SELECT lower(value) FROM json_each(?))"
			}
			var got, old bool
			// Parameters in the order of the text: the list's, the JSON, x.
			err := tx.QueryRow("SELECT "+in+", "+want+" FROM (SELECT ? AS x)",
				append(args, mustJSON(f.list), x)...).Scan(&got, &old)
			if err != nil {
				return err
			}
			if got != old {
				t.Errorf("%q in %q (fold %v): %v, lowered %v", x, f.list, f.fold, got, old)
			}
			if got {
				matched++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if matched < 100 {
		t.Errorf("only %d of 3000 values were in their lists", matched)
	}
}

// TestLocalDayAsDatetime checks scope.localDay against the date of
// datetime(col, '<offset> seconds') it stands for, on random stamps
// (midnights, the last second of a year, leap days, the second an offset
// crosses midnight) under random offsets of whole hours, half hours and
// odd seconds, east and west.
func TestLocalDayAsDatetime(t *testing.T) {
	st := openStore(t, func() time.Time { return time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC) })
	rnd := rand.New(rand.NewPCG(11, 18))
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		for i := range 4000 {
			var off int
			switch i % 4 {
			case 0:
				off = 3600 * (rnd.IntN(27) - 12)
			case 1:
				off = 1800 * (rnd.IntN(55) - 27)
			case 2:
				off = rnd.IntN(2*86399+1) - 86399
			default:
				off = []int{0, 1, -1, 86399, -86399, 43200, -43200}[rnd.IntN(7)]
			}
			at := base.Add(time.Duration(rnd.Int64N(4*366*86400)) * time.Second)
			switch rnd.IntN(4) {
			case 0: // the second the offset moves past midnight, and the one before
				day := at.Truncate(24 * time.Hour)
				at = day.Add(time.Duration((86400-off)%86400)*time.Second - time.Duration(rnd.IntN(2))*time.Second)
			case 1:
				at = time.Date(2015+rnd.IntN(3), 12, 31, 23, 59, 59, 0, time.UTC)
			case 2:
				at = time.Date(2016, 2, 28+rnd.IntN(2), rnd.IntN(24), 0, 0, 0, time.UTC)
			}
			sc := scope{zone: zoneShift{{offset: off}}}
			var got, want string
			err := tx.QueryRow("SELECT "+sc.localDay("x")+", substr(datetime(x, '"+strconv.Itoa(off)+" seconds'), 1, 10) FROM (SELECT ? AS x)",
				at.Format(stampLayout)).Scan(&got, &want)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("%s at %+d s: %s, datetime() %s", at.Format(stampLayout), off, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
