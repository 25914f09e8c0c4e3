package twipla

import (
	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/wire"
)

// Routes implements emu.Vendor: every path of the reference (§4). An
// unknown path, or a known one with another method, answers 404 before any
// authentication.
func (e *Emulator) Routes(r *openapi.Router) {
	jwt := e.asINTP

	r.GET("/v2/3as/company-details", companyOp, jwt(e.companyDetails))

	r.POST("/v2/3as/customers", createCustomerOp, jwt(e.createCustomer))
	r.GET("/v2/3as/customers", listCustomersOp, jwt(e.listCustomers))
	r.GET("/v2/3as/customers/:cid", getCustomerOp, jwt(e.getCustomer))
	r.DELETE("/v2/3as/customers/:cid", deleteCustomerOp, jwt(e.deleteCustomer))

	r.POST("/v2/3as/websites", createWebsiteV2Op, jwt(e.createWebsiteV2))
	r.POST("/v3/3as/websites", createWebsiteV3Op, jwt(e.createWebsiteV3))
	r.GET("/v2/3as/websites", listWebsitesOp, jwt(e.listWebsites))
	r.GET("/v2/3as/websites/:wid", getWebsiteOp, jwt(e.getWebsite))
	r.DELETE("/v2/3as/websites/:wid", deleteWebsiteOp, jwt(e.deleteWebsite))
	r.GET("/v2/3as/internal/websites/:id", getInternalWebsiteOp, jwt(e.getInternalWebsite))

	r.GET("/v2/3as/websites/:wid/whitelisted-domains", whitelistOp, jwt(e.whitelistedDomains))
	r.POST("/v2/3as/websites/:wid/whitelisted-domains", addWhitelistOp, jwt(e.addWhitelistedDomain))
	r.PATCH("/v2/3as/websites/:wid/whitelisted-domains", removeWhitelistOp, jwt(e.removeWhitelistedDomain))
	r.DELETE("/v2/3as/websites/:wid/whitelisted-domains/:domain", deleteWhitelistOp, jwt(e.deleteWhitelistedDomain))

	r.POST("/v2/3as/websites/:wid/api-keys", createAPIKeyOp, jwt(e.createAPIKey))
	r.GET("/v2/3as/websites/:wid/api-keys", listAPIKeysOp, jwt(e.listAPIKeys))
	r.DELETE("/v2/3as/websites/:wid/api-keys/:keyId", deleteAPIKeyOp, jwt(e.deleteAPIKey))

	r.POST("/v2/3as/api-keys/login", loginOp, e.public(e.login))
	r.GET("/v2/3as/analytics/raw-sessions", rawSessionsOp, e.withAPIKey(e.rawSessions))
	r.POST("/v2/3as/analytics/session-analytics", sessionAnalyticsOp, e.withAPIKey(e.sessionAnalytics))

	r.POST("/v3/3as/websites/:wid/contributors", addContributorOp, jwt(e.addContributor))
	r.GET("/v3/3as/websites/:wid/contributors", listContributorsOp, jwt(e.listContributors))
	r.DELETE("/v3/3as/websites/:wid/contributors/:cid", removeContributorOp, jwt(e.removeContributor))

	r.GET("/v2/3as/packages", listPackagesOp, jwt(e.listPackages))
	r.POST("/v2/3as/packages", createPackageOp, jwt(e.createPackage))
	r.GET("/v2/3as/packages/:pkg", getPackageOp, jwt(e.getPackage))
	r.PATCH("/v2/3as/packages/:pkg", renamePackageOp, jwt(e.renamePackage))
	r.PUT("/v3/3as/packages/:pkg/assignments/:target", assignPackageOp, jwt(e.assignPackage))
	r.DELETE("/v3/3as/packages/:pkg/assignments/:target", unassignPackageOp, jwt(e.unassignPackage))

	for _, op := range []string{opUpgrade, opDowngrade, opCancel, opResume, opDeactivate} {
		r.POST("/v3/3as/website-subscriptions/"+op, subscriptionOp(modelWebsite, op), jwt(e.websiteSubscription(op)))
		r.POST("/v3/3as/intpc-subscriptions/"+op, subscriptionOp(modelINTPC, op), jwt(e.accountSubscription(op)))
	}
	for _, op := range []string{opUpgrade, opDowngrade, opCancel, opResume, opDeactivate, opReactivate} {
		legacy := *subscriptionOp(modelWebsite, op)
		legacy.Description = "The legacy path of /v3/3as/website-subscriptions/" + op + "."
		r.POST("/v2/3as/notifications/subscriptions/"+op, &legacy, jwt(e.websiteSubscription(op)))
	}

	r.Engine().NoRoute(func(c *gin.Context) {
		wire.JSON(c.Writer, notFound(objRoute).status, errorBody(notFound(objRoute)))
	})
}
