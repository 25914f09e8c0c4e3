package wire_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/wire"
)

func TestObjectKeepsKeyOrder(t *testing.T) {
	o := wire.Obj("error", 0, "z", "last<>&", "a", nil, "n", wire.Obj("b", 1, "a", []int{}))
	b, err := wire.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"error":0,"z":"last<>&","a":null,"n":{"b":1,"a":[]}}`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	o = o.Set("a", "now set").Set("new", true)
	if v, _ := o.Get("a"); v != "now set" || len(o) != 5 {
		t.Fatalf("Set: %v", o)
	}
}

func TestListIsAnObjectKeyedByIndex(t *testing.T) {
	b, _ := wire.Marshal(wire.List([]string{"x", "y"}, wire.Field{Key: "error", Value: 0}))
	if string(b) != `{"0":"x","1":"y","error":0}` {
		t.Fatal(string(b))
	}
	b, _ = wire.Marshal(wire.List([]int(nil), wire.Field{Key: "error", Value: 0}))
	if string(b) != `{"error":0}` {
		t.Fatal(string(b))
	}
}

func TestPHPEscaping(t *testing.T) {
	o := wire.Obj("link", "/bill/?id=5&crc=ab", "name", "Дорогой друг <a>&'\"\n", "emoji", "😀", "back", `a\/b`)
	b, _ := wire.Marshal(o)
	got := string(wire.PHP(b))
	want := `{"link":"\/bill\/?id=5&crc=ab","name":"\u0414\u043e\u0440\u043e\u0433\u043e\u0439 \u0434\u0440\u0443\u0433 <a>&'\"\n","emoji":"\ud83d\ude00","back":"a\\\/b"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// WritePHP answers the same bytes, twice in a row (its buffers are reused).
	for range 2 {
		w := httptest.NewRecorder()
		wire.WritePHP(w, 202, "application/json; charset=UTF-8", o)
		if w.Code != 202 || w.Body.String() != want || w.Header().Get("Content-Type") != "application/json; charset=UTF-8" ||
			w.Header().Get("Content-Length") != strconv.Itoa(len(want)) {
			t.Fatalf("WritePHP: %d %v %s", w.Code, w.Header(), w.Body)
		}
	}
	if got := string(wire.PHP([]byte(`{"a":"plain ascii"}`))); got != `{"a":"plain ascii"}` {
		t.Fatalf("ASCII without slashes changed: %s", got)
	}
	var round map[string]string
	if err := json.Unmarshal([]byte(got), &round); err != nil || round["emoji"] != "😀" || round["back"] != `a\/b` {
		t.Fatalf("round trip %v %v", round, err)
	}
}

func TestWriters(t *testing.T) {
	w := httptest.NewRecorder()
	wire.Text(w, 200, "permission-denied")
	if w.Body.String() != "permission-denied" || w.Header().Get("Content-Type") != wire.TextType {
		t.Fatal(w.Body.String(), w.Header())
	}
	w = httptest.NewRecorder()
	wire.JSON(w, 201, wire.Obj("id", 7))
	if w.Code != 201 || w.Body.String() != `{"id":7}` || w.Header().Get("Content-Type") != wire.JSONType {
		t.Fatal(w.Code, w.Body.String())
	}
}

// failer records what wire.Fail hands it.
type failer struct {
	*httptest.ResponseRecorder
	err error
}

func (f *failer) Fail(err error) { f.err = err }

func TestUnencodableAnswerGoesToTheFailer(t *testing.T) {
	f := &failer{ResponseRecorder: httptest.NewRecorder()}
	wire.JSON(f, 200, wire.Obj("total", math.NaN()))
	if f.err == nil || !strings.Contains(f.err.Error(), "unsupported value") || f.Body.Len() != 0 {
		t.Fatalf("err %v, body %q", f.err, f.Body.String())
	}
	// Outside a server there is no vendor shape: a JSON 500, never text.
	w := httptest.NewRecorder()
	wire.JSON(w, 200, math.Inf(-1))
	if w.Code != 500 || w.Header().Get("Content-Type") != wire.JSONType || w.Body.String() != `{"error":"Internal error"}` {
		t.Fatalf("%d %q %s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
}

// Parts answers what Bytes answers for the parts joined: the same status,
// headers (Content-Length the whole's) and body.
func TestPartsAsBytes(t *testing.T) {
	parts := [][]byte{[]byte(`{"a":`), nil, []byte(`[1,2]`), []byte(`}`)}
	whole := httptest.NewRecorder()
	wire.Bytes(whole, 201, wire.JSONType, []byte(`{"a":[1,2]}`))
	got := httptest.NewRecorder()
	wire.Parts(got, 201, wire.JSONType, parts...)
	if got.Code != whole.Code || got.Body.String() != whole.Body.String() ||
		fmt.Sprint(got.Header()) != fmt.Sprint(whole.Header()) {
		t.Fatalf("Parts: %d %v %q; Bytes: %d %v %q", got.Code, got.Header(), got.Body, whole.Code, whole.Header(), whole.Body)
	}
}
