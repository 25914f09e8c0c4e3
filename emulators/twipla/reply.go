package twipla

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/wire"
)

// reply is a success answer: a status and a JSON body, or no body (204).
type reply struct {
	status int
	body   any
}

// ok is 200 {"payload": payload}.
func ok(payload any) reply { return reply{http.StatusOK, wire.Obj("payload", payload)} }

// created is 201 {"payload": payload}.
func created(payload any) reply { return reply{http.StatusCreated, wire.Obj("payload", payload)} }

// noContent is 204 without a body.
func noContent() reply { return reply{status: http.StatusNoContent} }

// pagedReply is 200 {"payload": items, "meta": {page, pageSize, pageTotal, total}}.
func pagedReply[T any](items []T, p paging, total int) reply {
	if items == nil {
		items = []T{}
	}
	pageTotal := 0
	if total > 0 {
		pageTotal = (total + p.size - 1) / p.size
	}
	return reply{http.StatusOK, wire.Obj("payload", items,
		"meta", wire.Obj("page", p.page, "pageSize", p.size, "pageTotal", pageTotal, "total", total))}
}

func (r reply) write(c *gin.Context) {
	if r.body == nil {
		c.Writer.WriteHeader(r.status)
		c.Writer.WriteHeaderNow()
		return
	}
	wire.JSON(c.Writer, r.status, r.body)
}

// intpHandler serves an endpoint of §4 for an authenticated INTP.
type intpHandler func(c *gin.Context, in *intp) (reply, error)

// asINTP authenticates the INTP JWT (§2.1), then runs h.
func (e *Emulator) asINTP(h intpHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		in, err := e.authenticate(c)
		if err != nil {
			e.fail(c, err)
			return
		}
		e.respond(c, func() (reply, error) { return h(c, in) })
	}
}

// keyHandler serves an analytics endpoint for a website API key.
type keyHandler func(c *gin.Context, k *keyAccess) (reply, error)

// withAPIKey checks X-Api-Key (§2.2), then runs h.
func (e *Emulator) withAPIKey(h keyHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		k, err := e.authenticateKey(c)
		if err != nil {
			e.fail(c, err)
			return
		}
		e.respond(c, func() (reply, error) { return h(c, k) })
	}
}

// public runs a handler that needs no credential header.
func (e *Emulator) public(h func(c *gin.Context) (reply, error)) gin.HandlerFunc {
	return func(c *gin.Context) { e.respond(c, func() (reply, error) { return h(c) }) }
}

func (e *Emulator) respond(c *gin.Context, h func() (reply, error)) {
	r, err := h()
	if err != nil {
		e.fail(c, err)
		return
	}
	r.write(c)
}

// paging is a validated page request (0-based page).
type paging struct {
	page int
	size int
}

// offset is the number of items before the page; a page far past any list
// gives an offset past every list instead of overflowing.
func (p paging) offset() int {
	const far = 1 << 50
	if p.page > far/p.size {
		return far
	}
	return p.page * p.size
}

// requiredPaging reads the page and pageSize query parameters the paginated
// JWT endpoints require.
func requiredPaging(c *gin.Context) (paging, error) {
	ps, okP := c.GetQuery("page")
	ss, okS := c.GetQuery("pageSize")
	page, err1 := strconv.Atoi(ps)
	size, err2 := strconv.Atoi(ss)
	if !okP || !okS || err1 != nil || err2 != nil {
		return paging{}, badRequest("page and pageSize are required integers")
	}
	return checkPaging(page, size)
}

func checkPaging(page, size int) (paging, error) {
	if page < 0 {
		return paging{}, badRequest("page must be 0 or greater")
	}
	if size < 1 || size > maxPageSize {
		return paging{}, badRequest("pageSize must be between 1 and %d", maxPageSize)
	}
	return paging{page, size}, nil
}

// maxPageSize is the largest page any list answers.
const maxPageSize = 1000
