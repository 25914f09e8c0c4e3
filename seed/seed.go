// Package seed reads seed documents — the JSON a user hands the emulator
// (EMULATOR_SEED, POST /_emulator/seed) to load data on top of the defaults —
// and holds the built-in TWIPLA test key.
//
// A seed document is one JSON object with a section per vendor, each section
// in the vendor's own format (see the vendor's reference), typically
// {"tenants":[{<credentials>, <objects>…}, …]}:
//
//	{"mousestats": {"tenants": [{"partnerId": "acme", "partnerSecret": "s3cret", "accounts": [...]}]},
//	 "keitaro":    {"tenants": [{"apiKey": "k1", "campaigns": [...]}]}}
package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
)

// Load applies doc to the vendors, all in one transaction: a document with
// any problem changes nothing and gives an *emu.Error (status 400)
// naming the problem. It returns the vendors it loaded, in document order.
func Load(ctx context.Context, st *store.Store, vendors []emu.Vendor, doc []byte) ([]string, error) {
	names := make([]string, len(vendors))
	for i, v := range vendors {
		names[i] = v.Name()
	}
	sections, order, err := parse(doc, names)
	if err != nil {
		return nil, err
	}
	byName := map[string]emu.Vendor{}
	for _, v := range vendors {
		byName[v.Name()] = v
	}
	err = st.Write(ctx, func(tx *store.Tx) error {
		for _, name := range order {
			if err := byName[name].LoadSeed(tx, sections[name]); err != nil {
				var e *emu.Error
				if errors.As(err, &e) {
					return emu.BadRequest("%s: %s", name, e.Message)
				}
				// A vendor's loader that let a row through which the
				// database refuses (an id or key the target already has,
				// a dump loaded twice) met the document's problem, not its
				// own.
				if store.IsConstraintViolation(err) {
					return emu.BadRequest("%s: the document clashes with what is stored: %v", name, err)
				}
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return order, nil
}

// parse splits doc into its vendor sections, keeping the document's order.
func parse(doc []byte, vendors []string) (map[string]json.RawMessage, []string, error) {
	known := map[string]bool{}
	names := append([]string(nil), vendors...)
	for _, n := range names {
		known[n] = true
	}
	sort.Strings(names)
	dec := json.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, emu.BadRequest("seed document must be a JSON object with one member per vendor (%s)", strings.Join(names, ", "))
	}
	sections := map[string]json.RawMessage{}
	var order []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, emu.BadRequest("seed document is not valid JSON: %v", err)
		}
		name := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, emu.BadRequest("seed document is not valid JSON: %v", err)
		}
		if !known[name] {
			return nil, nil, emu.BadRequest("seed document: unknown vendor %q (known: %s)", name, strings.Join(names, ", "))
		}
		if _, dup := sections[name]; dup {
			return nil, nil, emu.BadRequest("seed document: vendor %q appears twice", name)
		}
		sections[name] = raw
		order = append(order, name)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, emu.BadRequest("seed document is not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, nil, emu.BadRequest("seed document: trailing data after the JSON object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, nil, emu.BadRequest("seed document: trailing data after the JSON object")
	}
	return sections, order, nil
}
