package wire

import (
	"bytes"
	"math"
	"testing"
	"time"
)

// built writes, through a Builder, the values sample's Object describes
// for the kinds a Builder writes directly, and returns that Object too.
func built(s string, f float64, n int64, b bool, at time.Time, layout string) (Raw, error, Object) {
	var w Builder
	w.BeginArray()
	w.BeginObject()
	w.Key(s).String(s)
	w.KeyOf(NewKey(s + "2")).String(s)
	w.Key("f").Float(f)
	w.Key("n").Int(n)
	w.Key("b").Bool(b)
	w.Key("null").Null()
	w.Key("at").Time(at, layout)
	w.Key("empty").BeginObject()
	w.EndObject()
	w.Key("list").BeginArray()
	w.String(s)
	w.Int(n)
	w.BeginArray()
	w.EndArray()
	w.Value(Obj("x", s))
	w.EndArray()
	w.Key("value").Value([]Object{Obj(s, n)})
	w.EndObject()
	w.BeginObject()
	w.EndObject()
	w.EndArray()
	raw, err := w.Raw()
	want := Object{
		{s, s}, {s + "2", s}, {"f", f}, {"n", n}, {"b", b}, {"null", nil}, {"at", at.Format(layout)},
		{"empty", Object{}},
		{"list", []any{s, n, []any{}, Obj("x", s)}},
		{"value", []Object{Obj(s, n)}},
	}
	return raw, err, want
}

func FuzzBuilderMatchesMarshal(f *testing.F) {
	f.Add("plain", 1.5, int64(42), true, int64(1700000000), "2006-01-02T15:04:05Z")
	f.Add("<>&\u2028\u2029\x00\x1f\x7f\b\f\n\r\t\"\\/ é 😀 \xff\xfe", 1e21, int64(-1), false, int64(0), `Jan "2" \ é`)
	f.Add("", 1e-7, int64(math.MinInt64), false, int64(-1), "")
	f.Add("x", -0.000001, int64(math.MaxInt64), true, int64(253402300799), time.RFC3339Nano)
	f.Fuzz(func(t *testing.T, s string, x float64, n int64, b bool, unix int64, layout string) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			x = 0
		}
		if len(layout) > 40 {
			layout = layout[:40]
		}
		got, err, o := built(s, x, n, b, time.Unix(unix%(1<<40), 0).UTC(), layout)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Marshal([]any{o, Object{}})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
		// A Raw inside an answer is written as it is.
		inside, err := Marshal(Obj("payload", got, "none", Raw(nil)))
		if err != nil || string(inside) != `{"payload":`+string(want)+`,"none":null}` {
			t.Fatalf("Raw in an Object: %s %v", inside, err)
		}
	})
}

func TestBuilderRefusesNaN(t *testing.T) {
	var w Builder
	w.BeginObject()
	w.Key("x").Float(math.NaN())
	w.Key("y").Value([]any{math.Inf(1)})
	w.EndObject()
	if raw, err := w.Raw(); err == nil {
		t.Fatalf("NaN written: %s", raw)
	}
	var empty Builder
	if raw, err := empty.Raw(); err != nil || raw != nil {
		t.Fatalf("nothing written: %q %v", raw, err)
	}
}

func TestBuilderIsAValue(t *testing.T) {
	var w Builder
	w.BeginObject()
	w.Key("a").Int(1)
	w.EndObject()
	for _, v := range []any{Obj("x", &w), []any{&w}, map[string]any{"x": &w}} {
		got, err := Marshal(v)
		want, werr := reference(v)
		if err != nil || werr != nil || !bytes.Equal(got, want) || !bytes.Contains(got, []byte(`{"a":1}`)) {
			t.Fatalf("%s %v, encoding/json: %s %v", got, err, want, werr)
		}
	}
	var bad Builder
	bad.Float(math.Inf(-1))
	if got, err := Marshal(Obj("x", &bad)); err == nil {
		t.Fatalf("a failed Builder written: %s", got)
	}
}

func TestNilBuilderIsNull(t *testing.T) {
	var w *Builder
	if got, err := Marshal(Obj("x", w)); err != nil || string(got) != `{"x":null}` {
		t.Fatalf("%s %v", got, err)
	}
}

func TestFuncWritesIntoTheAnswer(t *testing.T) {
	list := Func(func(w *Builder) {
		w.BeginArray()
		for i := range 3 {
			w.BeginObject()
			w.Key("i").Int(int64(i))
			w.EndObject()
		}
		w.EndArray()
	})
	for _, v := range []any{Obj("payload", list, "n", 3), []any{list, Func(nil)}} {
		got, err := Marshal(v)
		want, werr := reference(v)
		if err != nil || werr != nil || !bytes.Equal(got, want) || !bytes.Contains(got, []byte(`[{"i":0},{"i":1},{"i":2}]`)) {
			t.Fatalf("%s %v, encoding/json: %s %v", got, err, want, werr)
		}
	}
	bad := Func(func(w *Builder) { w.Float(math.NaN()) })
	if got, err := Marshal(Obj("x", bad)); err == nil {
		t.Fatalf("a failing Func written: %s", got)
	}
}

// Time writes LayoutSeconds by hand: the text must be AppendFormat's for
// any time, in any location, the years it writes otherwise included.
func TestTimeSecondsMatchesFormat(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -12*3600-1800)}
	if berlin, err := time.LoadLocation("Europe/Berlin"); err == nil {
		zones = append(zones, berlin)
	}
	times := []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), {}, time.Unix(1<<40, 0), time.Unix(-1<<40, 0),
	}
	for i := int64(0); i < 2000; i++ {
		times = append(times, time.Unix(i*i*i*7919-4e12, i*104729))
	}
	for _, at := range times {
		for _, z := range zones {
			at := at.In(z)
			var w Builder
			w.Time(at, LayoutSeconds)
			if want := `"` + at.Format(LayoutSeconds) + `"`; string(w.b) != want {
				t.Fatalf("%v: %s, want %s", at, w.b, want)
			}
		}
	}
}
