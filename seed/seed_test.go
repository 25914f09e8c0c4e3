package seed

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
)

var vendors = []string{"keitaro", "mousestats"}

func TestParseKeepsDocumentOrder(t *testing.T) {
	sections, order, err := parse([]byte(` {"mousestats":{"tenants":[]}, "keitaro":[1]} `), vendors)
	if err != nil || !reflect.DeepEqual(order, []string{"mousestats", "keitaro"}) || string(sections["keitaro"]) != "[1]" {
		t.Fatalf("%v %v %v", sections, order, err)
	}
}

func TestParseNamesTheProblem(t *testing.T) {
	for doc, want := range map[string]string{
		``:                            "must be a JSON object",
		`[]`:                          "must be a JSON object",
		`{"keitaro":}`:                "not valid JSON",
		`{"ghost":{}}`:                `unknown vendor "ghost" (known: keitaro, mousestats)`,
		`{"keitaro":{},"keitaro":{}}`: "appears twice",
		`{"keitaro":{}}x`:             "trailing data",
		`{"keitaro":{}`:               "not valid JSON",
	} {
		_, _, err := parse([]byte(doc), vendors)
		var e *emu.Error
		if !errors.As(err, &e) || e.Status != 400 || !strings.Contains(e.Message, want) {
			t.Errorf("%q: %v, want 400 containing %q", doc, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"keitaro":{}}`, `{"a":1}`, `[`, `{"keitaro":{"tenants":[{}]}} `, `{}{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		sections, order, err := parse([]byte(doc), vendors)
		if err == nil && len(sections) != len(order) {
			t.Fatalf("sections %v order %v", sections, order)
		}
	})
}

// FuzzNamedTenants: any section, however broken, names only non-empty keys
// and never panics (LoadSeed reports what is wrong with it).
func FuzzNamedTenants(f *testing.F) {
	for _, s := range []string{`{"tenants":[{"apiKey":"k1"},{"apiKey":""},{"apiKey":5},{}]}`, `{"tenants":{}}`, `[]`, `{"tenants":[null,1,"x"]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, section string) {
		if slices.Contains(NamedTenants([]byte(section), "apiKey"), "") {
			t.Fatalf("an empty key from %q", section)
		}
	})
}

func TestNamedTenants(t *testing.T) {
	got := NamedTenants([]byte(`{"tenants":[{"apiKey":"k1"},{"apiKey":""},{"apiKey":5},{},{"apiKey":"k2"}]}`), "apiKey")
	if !reflect.DeepEqual(got, []string{"k1", "k2"}) {
		t.Fatalf("%v", got)
	}
	if got := NamedTenants([]byte(`{"tenants":{}}`), "apiKey"); got != nil {
		t.Fatalf("%v", got)
	}
}
