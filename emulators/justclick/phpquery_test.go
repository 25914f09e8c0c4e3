package justclick

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/form"
)

// refCanon are the reference's worked examples (§2.5) and extra CANON checks:
// body without hash → CANON, and the hash for the default tenant where the
// reference gives one.
var refCanon = []struct{ body, canon, hash string }{
	{"partner=my_partner_login&date_from=2016-08-01&date_to=2016-09-22",
		"partner=my_partner_login&date_from=2016-08-01&date_to=2016-09-22", "a7cc5103fa95c531c4dc263419c16492"},
	{"rid%5B0%5D=news&lead_email=ivan%40example.com&lead_name=Ivan%20Petrov",
		"rid%5B0%5D=news&lead_email=ivan%40example.com&lead_name=Ivan+Petrov", "20131f9752ca5ea237a308d093f79129"},
	{"lead_email=a%40example.com&tag=~promo!*(x)%27/:%2B%26%3D",
		"lead_email=a%40example.com&tag=%7Epromo%21%2A%28x%29%27%2F%3A%2B%26%3D", "7c82b84cc302b64b8e26e8f4f0e23a71"},
	{"rid%5B0%5D=news&lead_email=petr%40example.com&lead_name=%D0%94%D0%BE%D1%80%D0%BE%D0%B3%D0%BE%D0%B9+%D0%B4%D1%80%D1%83%D0%B3",
		"rid%5B0%5D=news&lead_email=petr%40example.com&lead_name=%D0%94%D0%BE%D1%80%D0%BE%D0%B3%D0%BE%D0%B9+%D0%B4%D1%80%D1%83%D0%B3", "d8661c9175972044c4541124ec75e02f"},
	{"goods[0][good_name]=course1&goods[0][good_sum]=990&goods[1][good_name]=book&bill_email=buyer@example.com&bill_first_name=Anna",
		"goods%5B0%5D%5Bgood_name%5D=course1&goods%5B0%5D%5Bgood_sum%5D=990&goods%5B1%5D%5Bgood_name%5D=book&bill_email=buyer%40example.com&bill_first_name=Anna", "5a14891c0a952487fa1cc456556e14ad"},
	{"rid[0]=news&lead_email=x@example.com&utm[utm_source]=fb&rid[1]=vip",
		"rid%5B0%5D=news&rid%5B1%5D=vip&lead_email=x%40example.com&utm%5Butm_source%5D=fb", "63202500fe97eb281bd80d2d8e1d0294"},
	{"", "", "53de7e1144de71c41d1cb06887f4b179"},
	{"goods[]=course1&goods[]=book&paid=1", "goods%5B0%5D=course1&goods%5B1%5D=book&paid=1", "3ec7ee88f9a4bd66e79b3c695d142b9a"},
	{"a.b=1&c d=2&x.y[z]=3&empty=&flag", "a_b=1&c_d=2&x_y%5Bz%5D=3&empty=&flag=", "eb4a847de9613149ecdb324dd713bd35"},
	{"status=paid&bill_id=7&status=cancel", "status=cancel&bill_id=7", "0f54f38a9be5463f933a55ae47d4688f"},
	{"v=%zz%4&w=100%", "v=%25zz%254&w=100%25", ""},
	{"k=a%2Bb+c%20d", "k=a%2Bb+c+d", ""},
	{"a[x]=1&b=2&a[y]=3", "a%5Bx%5D=1&a%5By%5D=3&b=2", ""},
	{"a[b][]=1&a[b][]=2", "a%5Bb%5D%5B0%5D=1&a%5Bb%5D%5B1%5D=2", ""},
	{"a[b=1", "a_b=1", ""},
	{" lead=1", "lead=1", ""},
	{"[a]=1&=x&b=2", "b=2", ""},
	{"a[]=1&a[5]=2&a[]=3", "a%5B0%5D=1&a%5B5%5D=2&a%5B6%5D=3", ""},
	{"a[]=1&a[-3]=2&a[]=3", "a%5B0%5D=1&a%5B-3%5D=2&a%5B1%5D=3", ""},
	{"a b[c d]=1", "a_b%5Bc+d%5D=1", ""},
	{"a=1&a[x]=2", "a%5Bx%5D=2", ""},
	{"a[x]=2&a=1", "a=1", ""},
	{"rid[1]=vip&rid[0]=news", "rid%5B1%5D=vip&rid%5B0%5D=news", ""},
	{"a[x]junk[y]=1", "a%5Bx%5D=1", ""},
}

const defaultSecret = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

func TestCanonReferenceExamples(t *testing.T) {
	for _, c := range refCanon {
		got := ParseQuery(c.body).Encode()
		if got != c.canon {
			t.Errorf("CANON(%q) = %q, want %q", c.body, got, c.canon)
		}
		if c.hash != "" {
			sum := md5.Sum([]byte(got + "::username::" + defaultSecret))
			if h := hex.EncodeToString(sum[:]); h != c.hash {
				t.Errorf("hash(%q) = %s, want %s", c.body, h, c.hash)
			}
		}
	}
}

// TestCanonNegativeKeyThenAppend pins the vendor's rule for "[]" after a
// negative key, where PHP 8 (installed here) differs from the vendor's PHP:
// "[]" continues after the largest non-negative key, or at 0.
func TestCanonNegativeKeyThenAppend(t *testing.T) {
	for body, want := range map[string]string{
		"a[-3]=2&a[]=3":                    "a%5B-3%5D=2&a%5B0%5D=3",
		"a[-9223372036854775808]=1&a[]=2":  "a%5B-9223372036854775808%5D=1&a%5B0%5D=2",
		"a[-1]=1&a[2]=2&a[-7]=3&a[]=4&a[]": "a%5B-1%5D=1&a%5B2%5D=2&a%5B-7%5D=3&a%5B3%5D=4&a%5B4%5D=",
	} {
		if got := ParseQuery(body).Encode(); got != want {
			t.Errorf("CANON(%q) = %q, want %q", body, got, want)
		}
	}
}

// phpInputs are run through real PHP and through ParseQuery+Encode; the two
// must agree byte for byte.
func phpInputs() []string {
	in := []string{
		"a=1&b=2",
		"lead_name=%D0%94%D0%BE%D1%80%D0%BE%D0%B3%D0%BE%D0%B9+%D0%B4%D1%80%D1%83%D0%B3&x=Дорогой друг",
		"e=%F0%9F%98%80&raw=😀",
		"r=~!*'()@/:+&=;,$?#[]%7e%7E%21",
		"k=a%2Bb+c%20d&%41%42=%61%62",
		"v=%zz%4&w=100%&x=%&y=%%41&z=%4g",
		"semi=a;b&c;d=e",
		"flag&&&=x&[a]=1&[]=2&=&b=",
		" lead=1&  two = 2 &\tthree=3",
		"a.b=1&c d=2&x.y[z.w]=3&e.f[g h][i.j]=4",
		"a[b=1&c[d.e f[g=2&h[ i=3",
		"a[x][y=1&b[x][][y=2",
		"a[x]junk[y]=1&b[]x=2&c[][]=3&c[][]=4",
		"a[]=1&a[5]=2&a[]=3&a[05]=4&a[]=5&a[-0]=6&a[]=7&a[+8]=8&a[]=9",
		"a[ ]=1&a[ x]=2&a[  ]=3&a[x ]=4&a[ ]=5",
		"a[9223372036854775806]=1&a[]=2&a[]=3&a[]=4",
		"a[9223372036854775807]=1&a[]=2",
		"a[9223372036854775808]=1&a[]=2&a[99999999999999999999]=3&a[]=4",
		"a[x][9223372036854775807]=1&a[x][][y]=2&a[z]=3",
		"status=paid&bill_id=7&status=cancel&bill_id=8",
		"a=1&a[x]=2&a[y]=3&a=4&a[z]=5",
		"rid[1]=vip&x=1&rid[0]=news&rid=plain&rid[2]=again",
		"goods[0][good_name]=course1&goods[1][good_name]=book&goods[0][good_sum]=5&goods[1]=flat&goods[1][x]=y",
		"utm[utm_source]=fb&utm[utm_medium]=cpc&utm[]=z&utm[utm_source]=vk",
		"hash=abc&bill_id=12&hash[0]=d&status=paid",
		"a%00b=1&c=x%00y&d[e%00f]=2&g[h]%00[i]=3",
		"a=1\x00&b=2",
		"bin=%FF%FE%80&\xff\xfe=raw&k\x80[\x81]=\x82",
		"x[a][b][c][d]=1&x[a][b][e]=2&x[a][f]=3&y=4",
		"deep" + strings.Repeat("[x]", 64) + "=1&deep" + strings.Repeat("[y]", 2) + "=2&after=3",
		"keep=1&deep[a]=1&deep" + strings.Repeat("[x]", 65) + "=2&deep[b]=3&after=4",
		"keep=1&deep=1&deep" + strings.Repeat("[x]", 64) + "[=2",
		"plus+in+key=1&+lead=2&++=3&.dot=4",
		"a]b=1&a]]=2&a[b]]c=3&a[[b]=4&a[[]]=5",
		"A=1&a=2&%41=3",
		"0=zero&1=one&-1=m&01=lead&0[x]=y",
	}
	var many strings.Builder
	many.WriteString("&&=&")
	for i := 0; i < maxInputVars+5; i++ {
		if i%7 == 0 {
			many.WriteString("&&")
		}
		many.WriteString("v")
		many.WriteString(strings.Repeat("x", i%3))
		many.WriteString("[]=")
		many.WriteString(strings.Repeat("y", i%5))
		many.WriteString("&")
	}
	in = append(in, many.String())
	for _, c := range refCanon {
		in = append(in, c.body, c.body+"&hash=abc", "hash=x&"+c.body)
	}
	return in
}

// canonGolden is what real PHP (parse_str, then http_build_query) made of
// every phpInputs() entry, written by the php-tagged TestGoldenCanonIsRealPHP
// so that this package's tests need no php on the PATH.
const canonGolden = "testdata/php_canon.golden"

// TestCanonMatchesPHP compares the Go canonicaliser with PHP's own answers,
// recorded in canonGolden: the canonicaliser is only trusted because PHP
// agrees.
func TestCanonMatchesPHP(t *testing.T) {
	golden := readCanonGolden(t)
	inputs := phpInputs()
	if len(golden) != len(inputs) {
		t.Fatalf("%s has %d cases, phpInputs() %d: regenerate it with %s", canonGolden, len(golden), len(inputs), regenerate)
	}
	for i, s := range inputs {
		if golden[i].in != s {
			t.Fatalf("%s case %d is %q, phpInputs() has %q: regenerate it with %s", canonGolden, i, golden[i].in, s, regenerate)
		}
		if goCanon := ParseQuery(s).Encode(); goCanon != golden[i].php {
			t.Errorf("input %q:\n php %q\n go  %q", s, golden[i].php, goCanon)
		}
	}
}

// regenerate is the command that rewrites the golden files from real PHP.
const regenerate = "go test -tags php -run Golden ./emulators/justclick -update"

// canonCase is one input and PHP's canonical form of it.
type canonCase struct{ in, php string }

// readCanonGolden reads canonGolden: one case per line, the input and PHP's
// output as two Go-quoted strings (the inputs hold NUL bytes and invalid
// UTF-8, which JSON cannot carry).
func readCanonGolden(t *testing.T) []canonCase {
	t.Helper()
	data, err := os.ReadFile(canonGolden)
	if err != nil {
		t.Fatalf("%v: generate it with %s", err, regenerate)
	}
	var out []canonCase
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		in, rest, err1 := unquotePrefix(line)
		php, tail, err2 := unquotePrefix(strings.TrimPrefix(rest, " "))
		if err1 != nil || err2 != nil || tail != "" {
			t.Fatalf("%s:%d: not two quoted strings", canonGolden, n+1)
		}
		out = append(out, canonCase{in, php})
	}
	return out
}

// formatCanonGolden is the file readCanonGolden reads.
func formatCanonGolden(cases []canonCase) []byte {
	var b strings.Builder
	for _, c := range cases {
		b.WriteString(strconv.Quote(c.in) + " " + strconv.Quote(c.php) + "\n")
	}
	return []byte(b.String())
}

func unquotePrefix(s string) (value, rest string, err error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", err
	}
	value, err = strconv.Unquote(q)
	return value, s[len(q):], err
}

func TestFromPairsLikeBody(t *testing.T) {
	f := FromPairs(form.Values{{Name: "rid[]", Value: "news"}, {Name: "lead.email", Value: "a@b.cd"}, {Name: "rid[]", Value: "vip"}})
	if got, want := f.Encode(), "rid%5B0%5D=news&rid%5B1%5D=vip&lead_email=a%40b.cd"; got != want {
		t.Errorf("FromPairs = %q, want %q", got, want)
	}
}

// FuzzCanon checks that the canonicaliser never panics, that its output
// parses back to itself (http_build_query output is a fixed point of the
// round trip), and that every leaf it keeps came from the input's limits.
func FuzzCanon(f *testing.F) {
	for _, c := range refCanon {
		f.Add(c.body)
	}
	for _, s := range phpInputs()[:20] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fields := ParseQuery(body)
		canon := fields.Encode()
		again := ParseQuery(canon).Encode()
		if again != canon {
			t.Fatalf("not a fixed point:\n body  %q\n canon %q\n again %q", body, canon, again)
		}
		if n := strings.Count(canon, "&") + 1; canon != "" && n > maxInputVars {
			t.Fatalf("%d leaves from at most %d pieces", n, maxInputVars)
		}
		fields.Delete("hash")
		if _, ok := fields.Get("hash"); ok {
			t.Fatal("hash survived Delete")
		}
	})
}
