//go:build browser

package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

// The browser tests drive the console in a real headless Chromium
// (Debian's package; .ci/run installs it). Run them with
//
//	go test -tags browser ./server/console/
//
// They write screenshots to $VENDOREMU_SCREENSHOTS, or to
// <temp dir>/vendoremu-console-screenshots.

func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("no chromium: apt-get install -y chromium (or set CHROMIUM to its path)")
	return ""
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("VENDOREMU_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "vendoremu-console-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startEmulator runs every vendor on a free loopback port.
func startEmulator(t *testing.T, adminToken string) *vtest.Server {
	return vtest.Start(t, server.Config{Vendors: emulators.All(emulators.Config{}), AdminToken: adminToken})
}

// browser is one tab of a fresh headless Chromium.
type browser struct {
	t   *testing.T
	ctx context.Context
	srv *vtest.Server

	mu         sync.Mutex
	dialogs    []string // alert/confirm/prompt texts the page opened
	exceptions []string // uncaught script errors
}

func newBrowser(t *testing.T, srv *vtest.Server, width, height int) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, srv: srv}
	opened := make(chan struct{}, 16)
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			opened <- struct{}{}
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			b.mu.Lock()
			b.exceptions = append(b.exceptions, msg)
			b.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-opened:
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}
		}
	}()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.dialogs) > 0 {
			t.Errorf("the page opened dialogs: %q", b.dialogs)
		}
		if len(b.exceptions) > 0 {
			t.Errorf("uncaught script errors: %q", b.exceptions)
		}
	})
	return b
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.shot("failed")
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a console page and waits until its script has started.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.srv.URL+path))
	b.wait("the console starts", `document.getElementById('clock').textContent.startsWith('clock 2') || !document.getElementById('login').hidden`)
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.shot("failed")
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// wait polls a JavaScript condition until it holds (10 s at most).
func (b *browser) wait(what, cond string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[bool]("!!("+cond+")",
		chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.shot("failed")
		b.t.Fatalf("waiting until %s (%s): %v\nmessage: %q", what, cond, err, b.text("#msg"))
	}
}

func q(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}

// text is what a person reads in the element (its rendered text).
func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, `(() => { const e = document.querySelector(`+q(sel)+`); return e ? e.innerText : ''; })()`)
}

func (b *browser) visible(sel string) bool {
	b.t.Helper()
	return eval[bool](b, `(() => { const e = document.querySelector(`+q(sel)+`); return !!e && !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length); })()`)
}

// click clicks an element with the mouse, as a person does.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// typeIn replaces an input's text by typing.
func (b *browser) typeIn(sel, text string) {
	b.t.Helper()
	eval[bool](b, `(() => { const e = document.querySelector(`+q(sel)+`); e.value = ''; e.focus(); return true; })()`)
	b.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// choose picks an option of a select.
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	ok := eval[bool](b, `(() => { const e = document.querySelector(`+q(sel)+`);
		if (![...e.options].some((o) => o.value === `+q(value)+`)) return false;
		e.value = `+q(value)+`; e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	if !ok {
		b.t.Fatalf("%s has no option %q", sel, value)
	}
}

// shot saves a screenshot of the whole page.
func (b *browser) shot(name string) {
	// From the top, so that the sticky header is where a person sees it.
	_, _ = chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`))
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(screenshotDir(b.t), strings.ReplaceAll(b.t.Name(), "/", "_")+"-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.t.Logf("screenshot: %s", path)
}

// waitRows waits until the journal shows n rows, each containing text.
func (b *browser) waitRows(what string, n int, text string) {
	b.t.Helper()
	b.wait(what, fmt.Sprintf(`(() => { const rows = [...document.querySelectorAll('#journal tbody tr')];
		return rows.length === %d && rows.every((r) => r.innerText.includes(%s)); })()`, n, q(text)))
}

// rows counts the journal rows shown.
func (b *browser) rows() int {
	return eval[int](b, `document.querySelectorAll('#journal tbody tr').length`)
}

// call sends a vendor or control-plane request as a client would, and
// returns status and body.
func call(t *testing.T, srv *vtest.Server, method, path, body string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustCall(t *testing.T, srv *vtest.Server, want int, method, path, body string, headers ...string) string {
	t.Helper()
	status, out := call(t, srv, method, path, body, headers...)
	if status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, out, want)
	}
	return out
}

// The XSS case: a name a vendor client may well store.
const xss = `<img src=x onerror=alert(1)>`

func keitaro(t *testing.T, srv *vtest.Server, want int, method, path, body string) string {
	t.Helper()
	return mustCall(t, srv, want, method, "/keitaro/admin_api/v1"+path, body, "Api-Key", "your-api-key", "Content-Type", "application/json")
}

func stateHas(t *testing.T, srv *vtest.Server, vendor, tenant string) bool {
	t.Helper()
	status, _ := call(t, srv, "GET", fmt.Sprintf("/_emulator/state/%s?tenant=%s", vendor, tenant), "")
	return status == 200
}
