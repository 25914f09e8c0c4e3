package form_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/form"
)

func TestParseQueryKeepsOrderAndDropsBrokenPairs(t *testing.T) {
	got := form.ParseQuery("b=2&a=1&&_userEmail=%zz&a=x+y%2B&flag&e=")
	want := form.Values{{"b", "2"}, {"a", "1"}, {"a", "x y+"}, {"flag", ""}, {"e", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	if v, _ := got.First("a"); v != "1" {
		t.Fatal(v)
	}
	if v, _ := got.Last("a"); v != "x y+" {
		t.Fatal(v)
	}
	if _, ok := got.First("_userEmail"); ok {
		t.Fatal("broken pair kept")
	}
	if all := got.All("a"); len(all) != 2 {
		t.Fatal(all)
	}
}

func TestParseBody(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader("token=abc&x=%41"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	v, err := form.ParseBody(r, 1<<20)
	if err != nil || !reflect.DeepEqual(v, form.Values{{"token", "abc"}, {"x", "A"}}) {
		t.Fatalf("%v %v", v, err)
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("token", "t1")
	fw, _ := mw.CreateFormFile("upload", "a.txt")
	fw.Write([]byte("file content"))
	mw.WriteField("email", "a@b.c")
	mw.Close()
	r = httptest.NewRequest("POST", "/", bytes.NewReader(buf.Bytes()))
	r.Header.Set("Content-Type", mw.FormDataContentType())
	v, err = form.ParseBody(r, 1<<20)
	if err != nil || !reflect.DeepEqual(v, form.Values{{"token", "t1"}, {"email", "a@b.c"}}) {
		t.Fatalf("%v %v", v, err)
	}

	r = httptest.NewRequest("POST", "/", strings.NewReader("--broken\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"))
	r.Header.Set("Content-Type", `multipart/form-data; boundary=broken`)
	if _, err := form.ParseBody(r, 1<<20); err != form.ErrUnreadable {
		t.Fatalf("broken multipart: %v", err)
	}

	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"token":"abc"}`))
	r.Header.Set("Content-Type", "application/json")
	if v, err := form.ParseBody(r, 1<<20); v != nil || err != nil {
		t.Fatalf("JSON body has no fields: %v %v", v, err)
	}
}

func TestReadBodyCanBeReadAgain(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader("0123456789"))
	b, _ := form.ReadBody(r, 4)
	if string(b) != "0123" {
		t.Fatal(string(b))
	}
	again, _ := form.ReadBody(r, 100)
	if string(again) != "0123" {
		t.Fatal(string(again))
	}
	if b, err := form.ReadBody(&http.Request{}, 10); b != nil || err != nil {
		t.Fatal("no body")
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "%zz=1", "a[b][]=c&&=", "+%2B%", "x=%E2%82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, p := range form.ParseQuery(raw) {
			if strings.ContainsAny(p.Name, "&") && !strings.Contains(raw, "%26") {
				t.Fatalf("name %q contains & not escaped in %q", p.Name, raw)
			}
		}
	})
}

func FuzzParseBody(f *testing.F) {
	f.Add("b", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n")
	f.Add("x", "garbage")
	f.Fuzz(func(t *testing.T, boundary, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		form.ParseBody(r, 1<<16) // must not panic
	})
}
