package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/server/console"
)

// consolePrefix is where the console's scripts and styles are served.
const consolePrefix = "/_emulator/console"

// consoleHeaders keep the page's scripts its own: no inline script runs, no
// other site's script or style loads, nothing is sent elsewhere, and no
// other site frames the console to click its reset button.
func consoleHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
}

// page is GET /_emulator/: the web console. The page holds no data (its
// script reads everything from the control plane), so with an admin token
// it is served to anyone, and shows a login form until the token is given.
func (s *Server) page(c *gin.Context) {
	consoleHeaders(c.Writer.Header())
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	err := console.WritePage(c.Writer, console.PageData{
		Version: s.cfg.Version, AdminToken: s.cfg.AdminToken != "", Prefix: consolePrefix,
	})
	if err != nil {
		s.log.Error("render the console page", "err", err)
	}
}

// consoleAsset is GET /_emulator/console/<file>: the console's script and
// style sheet.
func (s *Server) consoleAsset(c *gin.Context) {
	name := c.Param("file")
	if name != "/console.js" && name != "/console.css" {
		c.JSON(http.StatusNotFound, gin.H{"error": "not found: " + c.Request.Method + " " + c.Request.URL.Path})
		return
	}
	consoleHeaders(c.Writer.Header())
	r := c.Request.Clone(c)
	r.URL.Path = name
	console.Assets().ServeHTTP(c.Writer, r)
}

// consolePublic reports whether a path answers without the admin token:
// the console's page and assets (no data) and the login and logout that
// set and clear the session cookie.
func consolePublic(path string) bool {
	return path == "/_emulator" || path == "/_emulator/login" || path == "/_emulator/logout" ||
		strings.HasPrefix(path, consolePrefix+"/")
}

// sessionMaxAge is how long the console's login lasts.
const sessionMaxAge = 30 * 24 * time.Hour

// sessionCookie names the console's login cookie. Cookies do not tell
// ports apart, so the name carries the port the browser reached: two
// emulators on one machine keep their logins apart.
func sessionCookie(host string) string {
	if _, port, err := net.SplitHostPort(host); err == nil && port != "" {
		return "vendoremu_admin_" + port
	}
	return "vendoremu_admin"
}

// sessionValue is what the cookie holds: a MAC of the admin token, not
// the token itself, so the cookie jar never holds the token and a new
// token ends every login.
func (s *Server) sessionValue() string {
	m := hmac.New(sha256.New, []byte(s.cfg.AdminToken))
	m.Write([]byte("vendoremu console session"))
	return hex.EncodeToString(m.Sum(nil))
}

// sessionAuth reports whether the request carries a valid session cookie.
// A cookie is sent by the browser whatever page made the request, as long
// as it is on the same site, and another port of localhost is the same
// site; so a request with the cookie must come from the console's own
// origin (or from no page at all). A cookie from another origin is
// refused with 403 and counts as handled.
func (s *Server) sessionAuth(c *gin.Context) (ok bool) {
	ck, err := c.Request.Cookie(sessionCookie(c.Request.Host))
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(s.sessionValue())) != 1 {
		return false
	}
	if origin := c.GetHeader("Origin"); origin != "" && !sameOrigin(origin, c.Request.Host) {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": fmt.Sprintf(
			"the console's login is valid only on its own page, not from %q", origin)})
	}
	return true
}

// login is POST /_emulator/login: the console's form sends the admin token
// once ({"token":"…"} or token=… as a form) and gets it back as an HttpOnly,
// SameSite=Strict cookie that the control plane accepts like the Bearer
// header.
func (s *Server) login(c *gin.Context) {
	if !s.consoleOrigin(c) {
		return
	}
	if s.cfg.AdminToken == "" {
		emu.Abort(c, emu.BadRequest("no admin token is set: the control plane needs no login"))
		return
	}
	token := ""
	if strings.HasPrefix(c.ContentType(), "application/x-www-form-urlencoded") {
		token = c.PostForm("token")
	} else {
		body, ok := readBody(c)
		if !ok {
			return
		}
		var in struct {
			Token string `json:"token"`
		}
		if err := emu.DecodeStrict(body, &in); err != nil {
			emu.Abort(c, err)
			return
		}
		token = in.Token
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) != 1 {
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "that is not the admin token (EMULATOR_ADMIN_TOKEN)"})
		return
	}
	s.setSession(c, s.sessionValue(), int(sessionMaxAge/time.Second))
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// logout is POST /_emulator/logout: it clears the login cookie.
func (s *Server) logout(c *gin.Context) {
	if !s.consoleOrigin(c) {
		return
	}
	s.setSession(c, "", -1)
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) setSession(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie(c.Request.Host), Value: value, Path: "/_emulator", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil,
	})
}

// consoleOrigin refuses a login or logout posted by another site's page
// (which could otherwise log the developer into its own emulator or out of
// theirs).
func (s *Server) consoleOrigin(c *gin.Context) bool {
	if origin := c.GetHeader("Origin"); origin != "" && !sameOrigin(origin, c.Request.Host) {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": fmt.Sprintf(
			"the console's login takes requests from its own page only, not from %q", origin)})
		return false
	}
	return true
}
