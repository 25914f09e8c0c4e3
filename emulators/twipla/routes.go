package twipla

import (
	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/wire"
)

// Routes implements emu.Vendor: every path of the reference (§4). An
// unknown path, or a known one with another method, answers 404 before any
// authentication.
func (e *Emulator) Routes(r *gin.Engine) {
	jwt := e.asINTP

	r.GET("/v2/3as/company-details", jwt(e.companyDetails))

	r.POST("/v2/3as/customers", jwt(e.createCustomer))
	r.GET("/v2/3as/customers", jwt(e.listCustomers))
	r.GET("/v2/3as/customers/:cid", jwt(e.getCustomer))
	r.DELETE("/v2/3as/customers/:cid", jwt(e.deleteCustomer))

	r.POST("/v2/3as/websites", jwt(e.createWebsiteV2))
	r.POST("/v3/3as/websites", jwt(e.createWebsiteV3))
	r.GET("/v2/3as/websites", jwt(e.listWebsites))
	r.GET("/v2/3as/websites/:wid", jwt(e.getWebsite))
	r.DELETE("/v2/3as/websites/:wid", jwt(e.deleteWebsite))
	r.GET("/v2/3as/internal/websites/:id", jwt(e.getInternalWebsite))

	r.GET("/v2/3as/websites/:wid/whitelisted-domains", jwt(e.whitelistedDomains))
	r.POST("/v2/3as/websites/:wid/whitelisted-domains", jwt(e.addWhitelistedDomain))
	r.PATCH("/v2/3as/websites/:wid/whitelisted-domains", jwt(e.removeWhitelistedDomain))
	r.DELETE("/v2/3as/websites/:wid/whitelisted-domains/:domain", jwt(e.deleteWhitelistedDomain))

	r.POST("/v2/3as/websites/:wid/api-keys", jwt(e.createAPIKey))
	r.GET("/v2/3as/websites/:wid/api-keys", jwt(e.listAPIKeys))
	r.DELETE("/v2/3as/websites/:wid/api-keys/:keyId", jwt(e.deleteAPIKey))

	r.POST("/v2/3as/api-keys/login", e.public(e.login))
	r.GET("/v2/3as/analytics/raw-sessions", e.withAPIKey(e.rawSessions))
	r.POST("/v2/3as/analytics/session-analytics", e.withAPIKey(e.sessionAnalytics))

	r.POST("/v3/3as/websites/:wid/contributors", jwt(e.addContributor))
	r.GET("/v3/3as/websites/:wid/contributors", jwt(e.listContributors))
	r.DELETE("/v3/3as/websites/:wid/contributors/:cid", jwt(e.removeContributor))

	r.GET("/v2/3as/packages", jwt(e.listPackages))
	r.POST("/v2/3as/packages", jwt(e.createPackage))
	r.GET("/v2/3as/packages/:pkg", jwt(e.getPackage))
	r.PATCH("/v2/3as/packages/:pkg", jwt(e.renamePackage))
	r.PUT("/v3/3as/packages/:pkg/assignments/:target", jwt(e.assignPackage))
	r.DELETE("/v3/3as/packages/:pkg/assignments/:target", jwt(e.unassignPackage))

	for _, op := range []string{opUpgrade, opDowngrade, opCancel, opResume, opDeactivate} {
		r.POST("/v3/3as/website-subscriptions/"+op, jwt(e.websiteSubscription(op)))
		r.POST("/v3/3as/intpc-subscriptions/"+op, jwt(e.accountSubscription(op)))
	}
	for _, op := range []string{opUpgrade, opDowngrade, opCancel, opResume, opDeactivate, opReactivate} {
		r.POST("/v2/3as/notifications/subscriptions/"+op, jwt(e.websiteSubscription(op)))
	}

	r.NoRoute(func(c *gin.Context) {
		wire.JSON(c.Writer, notFound(objRoute).status, errorBody(notFound(objRoute)))
	})
}
