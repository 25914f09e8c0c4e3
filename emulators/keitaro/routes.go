package keitaro

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// Routes implements emu.Vendor: the Admin API under /admin_api/v1
// (every route behind the API key, §2), and the tracker's answers to
// everything else.
func (e *Emulator) Routes(r *gin.Engine) {
	api := r.Group("/admin_api/v1", e.auth)
	e.entityRoutes(api)
	e.reportRoutes(api)
	// The tracker's public side (§4.13, §4.14) — /<alias>, /lp/offer,
	// /postback, /<postbackKey>/postback — is told apart in noRoute.
	r.NoRoute(e.noRoute)
}

// reportRoutes are the reports of §4.11 and the clicks maintenance of
// §4.12.
func (e *Emulator) reportRoutes(g *gin.RouterGroup) {
	g.POST("/report/build", e.read(buildReport))
	g.POST("/clicks/build", e.read(buildReport))
	g.GET("/report/definition", e.read(reportDefinition))
	g.GET("/report/labels", e.read(getLabels))
	g.POST("/report/labels", e.write(setLabels))
	g.POST("/clicks/log", e.read(clicksLog))
	g.POST("/clicks/summary", e.read(clicksSummary))
	g.GET("/conversions/log", e.read(conversionsLog))
	g.POST("/conversions/log", e.read(conversionsLog))
	g.POST("/clicks/update_costs", e.write(updateClickCosts))
	g.POST("/clicks/clean", e.write(cleanClicks))
}

// entityRoutes are the routes of §4.1–§4.10 and the logs of §4.12.
func (e *Emulator) entityRoutes(g *gin.RouterGroup) {
	// §4.1 Affiliate networks
	g.GET("/affiliate_networks", e.read(listAffiliateNetworks))
	g.GET("/affiliate_networks/:id", e.read(getAffiliateNetwork))
	g.POST("/affiliate_networks", e.write(createAffiliateNetwork))
	g.PUT("/affiliate_networks/:id", e.write(updateAffiliateNetwork))
	g.DELETE("/affiliate_networks/:id", e.write(archiveAffiliateNetwork))
	g.POST("/affiliate_networks/:id/archive", e.write(archiveAffiliateNetwork))
	g.POST("/affiliate_networks/:id/clone", e.write(cloneAffiliateNetwork))

	// §4.2 Campaigns
	g.GET("/campaigns", e.read(listCampaigns))
	g.GET("/campaigns/deleted", e.read(listDeletedCampaigns))
	g.GET("/campaigns/:id", e.read(getCampaign))
	g.POST("/campaigns", e.write(createCampaign))
	g.PUT("/campaigns/:id", e.write(updateCampaign))
	g.DELETE("/campaigns/:id", e.write(archiveCampaign))
	g.POST("/campaigns/:id/restore", e.write(restoreCampaign))
	g.POST("/campaigns/:id/disable", e.write(disableCampaign))
	g.POST("/campaigns/:id/enable", e.write(enableCampaign))
	g.POST("/campaigns/:id/clone", e.write(cloneCampaign))
	g.POST("/campaigns/:id/update_costs", e.write(updateCampaignCosts))
	g.GET("/campaigns/:id/streams", e.read(listCampaignStreams))

	// §4.3 Streams
	g.POST("/streams", e.write(createStream))
	g.GET("/streams/deleted", e.read(listDeletedStreams))
	g.GET("/streams/search", e.read(searchStreams))
	g.POST("/streams/copy", e.write(copyStreams))
	g.POST("/streams/move_streams", e.write(moveStreams))
	g.GET("/streams/:id", e.read(getStream))
	g.PUT("/streams/:id", e.write(updateStream))
	g.DELETE("/streams/:id", e.write(archiveStream))
	g.POST("/streams/:id/restore", e.write(restoreStream))
	g.POST("/streams/:id/enable", e.write(enableStream))
	g.POST("/streams/:id/disable", e.write(disableStream))
	g.GET("/streams/:id/events", e.read(listStreamEvents))
	g.GET("/stream/:id/events", e.read(listStreamEvents))
	g.GET("/stream_types", e.read(listStreamTypes))
	g.GET("/stream_schemas", e.read(listStreamSchemas))
	g.GET("/stream_actions", e.read(listStreamActions))
	g.GET("/streams_actions", e.read(listStreamActions))
	g.GET("/stream_filters", e.read(listStreamFilters))

	// §4.4 Offers
	g.GET("/offers", e.read(listOffers))
	g.GET("/offers/:id", e.read(getOffer))
	g.POST("/offers", e.write(createOffer))
	g.PUT("/offers/:id", e.write(updateOffer))
	g.POST("/offers/:id/clone", e.write(cloneOffer))
	g.DELETE("/offers/:id/archive", e.write(archiveOffer))

	// §4.5 Landing pages
	g.GET("/landing_pages", e.read(listLandingPages))
	g.GET("/landing_pages/:id", e.read(getLandingPage))
	g.POST("/landing_pages", e.write(createLandingPage))
	g.PUT("/landing_pages/:id", e.write(updateLandingPage))
	g.DELETE("/landing_pages/:id", e.write(archiveLandingPage))
	g.PUT("/landing_pages/:id/clone", e.write(cloneLandingPage))
	g.POST("/landing_pages/:id/clone", e.write(cloneLandingPage))

	// §0 File editor of landing pages and offers
	for _, o := range []struct {
		path  string
		files fileOwner
	}{{"/landing_pages/:id", landingFiles}, {"/offers/:id", offerFiles}} {
		g.GET(o.path+"/get_structure", e.read(o.files.getStructure))
		g.POST(o.path+"/add_file", e.write(withQuery(o.files.addFile)))
		g.GET(o.path+"/get_file", e.read(o.files.getFile))
		g.PUT(o.path+"/update_file", e.write(withQuery(o.files.updateFile)))
		g.DELETE(o.path+"/remove_file", e.write(o.files.removeFile))
	}

	// §4.6 Traffic sources
	g.GET("/traffic_sources", e.read(listTrafficSources))
	g.GET("/traffic_sources/:id", e.read(getTrafficSource))
	g.POST("/traffic_sources", e.write(createTrafficSource))
	g.PUT("/traffic_sources/:id", e.write(updateTrafficSource))
	g.DELETE("/traffic_sources/:id", e.write(archiveTrafficSource))
	g.POST("/traffic_sources/:id/clone", e.write(cloneTrafficSource))

	// §4.7 Groups
	g.GET("/groups", e.read(listGroups))
	g.POST("/groups", e.write(createGroup))
	g.PUT("/groups/:id", e.write(updateGroup))
	g.DELETE("/groups/:id/delete", e.write(deleteGroup))

	// §4.8 Domains
	g.GET("/domains", e.read(listDomains))
	g.GET("/domains/deleted", e.read(listDeletedDomains))
	g.GET("/domains/:id", e.read(getDomain))
	g.POST("/domains", e.write(createDomain))
	g.PUT("/domains/:id", e.write(updateDomain))
	g.DELETE("/domains/:id", e.write(archiveDomain))
	g.POST("/domains/:id/check", e.write(checkDomain))
	g.POST("/domains/:id/restore", e.write(restoreDomain))

	// §4.9 Users
	g.GET("/users", e.read(listUsers))
	g.GET("/users/:id", e.read(getUser))
	g.POST("/users", e.write(createUser))
	g.PUT("/users/:id", e.write(updateUser))
	g.PUT("/users/:id/access", e.write(updateUserAccess))
	g.DELETE("/users/:id", e.write(deleteUser))

	// §4.10 Bot list
	g.GET("/botlist", e.read(getBotList))
	g.PUT("/botlist", e.write(replaceBotList))
	g.POST("/botlist/add", e.write(addToBotList))
	g.POST("/botlist/exclude", e.write(excludeFromBotList))
	g.DELETE("/botlist", e.write(clearBotList))

	// §0 Integrations
	g.GET("/integrations/avscan", e.read(getAvscan))
	g.PUT("/integrations/avscan", e.write(withQuery(putAvscan)))
	g.GET("/integrations/imklo", e.read(getImklo))
	g.PUT("/integrations/imklo", e.write(withQuery(putImklo)))
	g.GET("/integrations/facebook", e.read(listFacebook))
	g.POST("/integrations/facebook", e.write(createFacebook))
	g.GET("/integrations/facebook/:id", e.read(getFacebook))
	g.PUT("/integrations/facebook/:id", e.write(updateFacebook))
	g.DELETE("/integrations/facebook/:id", e.write(deleteFacebook))
	g.GET("/integrations/facebook/:id/campaign", e.read(listFacebookCampaigns))
	g.POST("/integrations/facebook/:id/campaign", e.write(withQuery(linkFacebookCampaign)))
	g.DELETE("/integrations/facebook/:id/campaign", e.write(unlinkFacebookCampaign))

	// §4.12 Logs
	g.GET("/logs/types", e.read(listLogTypes))
	g.POST("/logs/types", e.read(listLogTypes))
	g.GET("/logs/:type", e.read(listLog))
	g.DELETE("/logs/:type", e.write(clearLog))
}

// noRoute answers what no route matches: under /admin_api the API's 404
// after authentication (§1.1), elsewhere the tracker's public side.
func (e *Emulator) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if p != "/admin_api" && !strings.HasPrefix(p, "/admin_api/") {
		e.public(c)
		return
	}
	if _, err := e.authenticate(c); err != nil {
		writeError(c, e.deps.Log, err)
		return
	}
	writeError(c, e.deps.Log, errNotFound)
}
