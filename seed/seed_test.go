package seed

import (
	"errors"
	"reflect"
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
