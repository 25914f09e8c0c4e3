// Package console is the emulator's web console, served at /_emulator/: a
// live request inspector, a data browser and the control-plane controls. It
// is plain HTML, CSS and JavaScript embedded in the binary (no build step,
// nothing fetched from elsewhere); everything it shows comes from the
// documented control-plane API, called from the browser.
package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// page is index.html: a template only for the version and whether the
// control plane wants the admin token (the page has no data of its own).
var page = template.Must(template.ParseFS(static, "static/index.html"))

// PageData is what the page is rendered with.
type PageData struct {
	// Version is the emulator's version, shown in the header.
	Version string
	// AdminToken says that the control plane requires the admin token, so
	// the console offers to log out.
	AdminToken bool
	// Prefix is where the assets are served ("/_emulator/console").
	Prefix string
}

// WritePage renders the console page.
func WritePage(w io.Writer, d PageData) error {
	return page.Execute(w, struct {
		PageData
		Assets string
	}{d, assetsVersion})
}

// assetsVersion names the assets' content in their URLs, so that a browser
// never runs a cached script of another emulator version.
var assetsVersion = func() string {
	h := sha256.New()
	for _, name := range []string{"static/console.js", "static/console.css"} {
		b, err := static.ReadFile(name)
		if err != nil {
			panic(err) // embedded at build time: cannot be missing
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}()

// Assets serves the static files (console.js, console.css) by name, below
// whatever prefix the caller strips.
func Assets() http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	return http.FileServerFS(sub)
}
