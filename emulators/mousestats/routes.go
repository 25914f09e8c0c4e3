package mousestats

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/openapi"
)

// Routes implements emu.Vendor. Every path answers GET only; another
// method on a known path is 405 with "Allow: GET", anything else 404, both
// with an empty body.
//
//	GET /api/CreateAccount        partner call: new customer account
//	GET /api/GetAccount           partner call: plan and usage (JSON)
//	GET /api/GenerateLoginToken   partner call: one-time login token
//	GET /api/doLogin?_token=…     browser: token → panel session, 302
//	GET /panel/overview           browser: the signed-in panel page
//	GET /login                    browser: the login page
func (e *Emulator) Routes(r *openapi.Router) {
	eng := r.Engine()
	eng.HandleMethodNotAllowed = true
	var ops []openapi.Operation
	for _, f := range e.apiFunctions() {
		ops = append(ops, openapi.Operation{Method: http.MethodGet, Path: "/api/" + f.name, Op: f.op})
	}
	r.Dispatch([]string{http.MethodGet}, "/api/:function", e.api, ops...)
	r.GET(panelPath, panelOp, e.panelOverview)
	r.GET(loginPath, loginPageOp, loginPage)
	eng.NoRoute(notFound)
	eng.NoMethod(e.methodNotAllowed)
}

// apiFunction is one function under /api/, in the vendor's spelling.
type apiFunction struct {
	name   string
	op     *openapi.Op
	handle gin.HandlerFunc
}

// apiFunctions is the table behind /api/:function.
func (e *Emulator) apiFunctions() []apiFunction {
	return []apiFunction{
		{"CreateAccount", createAccountOp, e.partnerCall(writes, createAccount)},
		{"GetAccount", getAccountOp, e.partnerCall(readsOnly, getAccount)},
		{"GenerateLoginToken", generateLoginTokenOp, e.partnerCall(writes, generateLoginToken)},
		{"doLogin", doLoginOp, e.doLogin},
	}
}

// api dispatches on the function name, which the vendor matches
// case-insensitively.
func (e *Emulator) api(c *gin.Context) {
	fn, ok := e.functions[strings.ToLower(c.Param("function"))]
	if !ok {
		notFound(c)
		return
	}
	fn(c)
}

// known reports whether path names one of the vendor's pages or functions.
func (e *Emulator) known(path string) bool {
	if path == panelPath || path == loginPath {
		return true
	}
	fn, ok := strings.CutPrefix(path, "/api/")
	_, isFunction := e.functions[strings.ToLower(fn)]
	return ok && isFunction
}

func (e *Emulator) methodNotAllowed(c *gin.Context) {
	if !e.known(c.Request.URL.Path) {
		notFound(c)
		return
	}
	c.Header("Allow", http.MethodGet)
	empty(c, http.StatusMethodNotAllowed)
}

func notFound(c *gin.Context) {
	c.Writer.Header().Del("Allow")
	empty(c, http.StatusNotFound)
}

// empty answers status with no body. Writing the header explicitly keeps
// gin from adding its own "404 page not found" text.
func empty(c *gin.Context, status int) {
	c.Status(status)
	c.Writer.WriteHeaderNow()
}
