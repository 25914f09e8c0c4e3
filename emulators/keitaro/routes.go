package keitaro

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/openapi"
)

// Routes implements emu.Vendor: the Admin API under /admin_api/v1
// (every route behind the API key, §2), and the tracker's answers to
// everything else.
func (e *Emulator) Routes(r *openapi.Router) {
	api := r.Group("/admin_api/v1", e.auth)
	e.entityRoutes(api)
	e.reportRoutes(api)
	// The tracker's public side (§4.13, §4.14) — /<alias>, /lp/offer,
	// /postback, /<postbackKey>/postback — is told apart in noRoute.
	r.Serves(publicOps...)
	r.Engine().NoRoute(e.noRoute)
}

// reportRoutes are the reports of §4.11 and the clicks maintenance of
// §4.12.
func (e *Emulator) reportRoutes(g *openapi.Router) {
	g.POST("/report/build", reportOp("Build a report over the clicks and conversions"), e.read(buildReport))
	g.POST("/clicks/build", reportOp("Build a report (the same as /report/build)"), e.read(buildReport))
	g.GET("/report/definition", reportDefinitionOp, e.read(reportDefinition))
	g.GET("/report/labels", getLabelsOp, e.read(getLabels))
	g.POST("/report/labels", setLabelsOp, e.write(setLabels))
	g.POST("/clicks/log", reportOp("One row per matching click, with the requested columns"), e.read(clicksLog))
	g.POST("/clicks/summary", clicksSummaryOp, e.read(clicksSummary))
	g.GET("/conversions/log", conversionsLogGetOp, e.read(conversionsLog))
	g.POST("/conversions/log", reportOp("One row per conversion in the range, with the requested columns"), e.read(conversionsLog))
	g.POST("/clicks/update_costs", adminOp("reports", "Spread costs over recorded clicks of several campaigns", nil, clickCostsBody, ok("done", successSchema), validation), e.write(updateClickCosts))
	g.POST("/clicks/clean", adminOp("reports", "Delete the clicks (and their conversions) in a range", nil, cleanBody, ok("done", successSchema), validation), e.write(cleanClicks))
}

// entityRoutes are the routes of §4.1–§4.10 and the logs of §4.12.
func (e *Emulator) entityRoutes(g *openapi.Router) {
	// §4.1 Affiliate networks
	g.GET("/affiliate_networks", networkOps.list("Affiliate networks that are not archived"), e.read(listAffiliateNetworks))
	g.GET("/affiliate_networks/:id", networkOps.get(), e.read(getAffiliateNetwork))
	g.POST("/affiliate_networks", networkOps.create(networkWrittenSchema), e.write(createAffiliateNetwork))
	g.PUT("/affiliate_networks/:id", networkOps.update(networkWrittenSchema), e.write(updateAffiliateNetwork))
	g.DELETE("/affiliate_networks/:id", networkOps.act("Archive an affiliate network", networkWrittenSchema), e.write(archiveAffiliateNetwork))
	g.POST("/affiliate_networks/:id/archive", networkOps.act("Archive an affiliate network", networkWrittenSchema), e.write(archiveAffiliateNetwork))
	g.POST("/affiliate_networks/:id/clone", networkOps.act("Clone an affiliate network", networkClonedSchema), e.write(cloneAffiliateNetwork))

	// §4.2 Campaigns
	g.GET("/campaigns", campaignOps.list("Campaigns that are not archived (active and disabled)"), e.read(listCampaigns))
	g.GET("/campaigns/deleted", campaignOps.list("Archived campaigns"), e.read(listDeletedCampaigns))
	g.GET("/campaigns/:id", campaignOps.get(), e.read(getCampaign))
	g.POST("/campaigns", campaignOps.create(campaign), e.write(createCampaign))
	g.PUT("/campaigns/:id", campaignOps.update(campaign), e.write(updateCampaign))
	g.DELETE("/campaigns/:id", campaignOps.act("Archive a campaign", classicOne(campaign)), e.write(archiveCampaign))
	g.POST("/campaigns/:id/restore", campaignOps.act("Restore an archived campaign", one(campaign)), e.write(restoreCampaign))
	g.POST("/campaigns/:id/disable", campaignOps.act("Disable a campaign", one(campaign)), e.write(disableCampaign))
	g.POST("/campaigns/:id/enable", campaignOps.act("Enable a campaign", one(campaign)), e.write(enableCampaign))
	g.POST("/campaigns/:id/clone", campaignOps.act("Clone a campaign with its streams", one(campaign)), e.write(cloneCampaign))
	g.POST("/campaigns/:id/update_costs", adminOp("campaigns", "Set the cost of the campaign's recorded clicks in a range", idParam, campaignCostsBody, ok("done", successSchema), notFoundErr, validation), e.write(updateCampaignCosts))
	g.GET("/campaigns/:id/streams", adminOp("streams", "The campaign's streams, by position", idParam, nil, ok("the streams", array(stream)), notFoundErr), e.read(listCampaignStreams))

	// §4.3 Streams
	g.POST("/streams", adminOp("streams", "Create a stream", nil, streamBody(true), ok("created", stream), validation), e.write(createStream))
	g.GET("/streams/deleted", streamOps.list("Archived streams of all campaigns"), e.read(listDeletedStreams))
	g.GET("/streams/search", adminOp("streams", "Streams whose name contains the query", []openapi.Param{openapi.Query("query", str(), "required (or in a JSON body)")}, jsonBody(object(opt("query", textIn)).Open()), ok("the streams", array(stream)), validation), e.read(searchStreams))
	g.POST("/streams/copy", adminOp("streams", "Copy streams into a campaign", nil, streamCopyBody, ok("the copies", array(stream)), validation), e.write(copyStreams))
	g.POST("/streams/move_streams", adminOp("streams", "Move streams into a campaign", nil, streamCopyBody, ok("the moved streams", array(stream)), validation), e.write(moveStreams))
	g.GET("/streams/:id", streamOps.get(), e.read(getStream))
	g.PUT("/streams/:id", adminOp("streams", "Change a stream (a sub-list sent replaces the stored one)", idParam, streamBody(false), ok("changed", stream), notFoundErr, validation), e.write(updateStream))
	g.DELETE("/streams/:id", streamOps.act("Archive a stream", stream), e.write(archiveStream))
	g.POST("/streams/:id/restore", streamOps.act("Restore an archived stream", stream), e.write(restoreStream))
	g.POST("/streams/:id/enable", streamOps.act("Enable a stream", stream), e.write(enableStream))
	g.POST("/streams/:id/disable", streamOps.act("Disable a stream", stream), e.write(disableStream))
	g.GET("/streams/:id/events", streamEventsOp, e.read(listStreamEvents))
	g.GET("/stream/:id/events", streamEventsOp, e.read(listStreamEvents))
	g.GET("/stream_types", catalogueOp("Stream types"), e.read(listStreamTypes))
	g.GET("/stream_schemas", catalogueOp("Stream schemas"), e.read(listStreamSchemas))
	g.GET("/stream_actions", catalogueOp("Stream actions"), e.read(listStreamActions))
	g.GET("/streams_actions", catalogueOp("Stream actions"), e.read(listStreamActions))
	g.GET("/stream_filters", streamFiltersOp, e.read(listStreamFilters))

	// §4.4 Offers
	g.GET("/offers", offerOps.list("Offers that are not archived"), e.read(listOffers))
	g.GET("/offers/:id", offerOps.get(), e.read(getOffer))
	g.POST("/offers", offerOps.create(offerCreatedSchema), e.write(createOffer))
	g.PUT("/offers/:id", offerOps.update(offer), e.write(updateOffer))
	g.POST("/offers/:id/clone", offerOps.act("Clone an offer", one(offer)), e.write(cloneOffer))
	g.DELETE("/offers/:id/archive", offerOps.act("Archive an offer", classicOne(offer)), e.write(archiveOffer))

	// §4.5 Landing pages
	g.GET("/landing_pages", landingOps.list("Landing pages that are not archived"), e.read(listLandingPages))
	g.GET("/landing_pages/:id", landingOps.get(), e.read(getLandingPage))
	g.POST("/landing_pages", landingOps.create(landing), e.write(createLandingPage))
	g.PUT("/landing_pages/:id", landingOps.update(landing), e.write(updateLandingPage))
	g.DELETE("/landing_pages/:id", landingOps.act("Archive a landing page", landing), e.write(archiveLandingPage))
	g.PUT("/landing_pages/:id/clone", landingOps.act("Clone a landing page", landing), e.write(cloneLandingPage))
	g.POST("/landing_pages/:id/clone", landingOps.act("Clone a landing page", landing), e.write(cloneLandingPage))

	// §0 File editor of landing pages and offers
	for _, o := range []struct {
		path, tag string
		files     fileOwner
	}{{"/landing_pages/:id", "landing pages", landingFiles}, {"/offers/:id", "offers", offerFiles}} {
		structure, add, get, update, remove := fileOps(o.tag)
		g.GET(o.path+"/get_structure", structure, e.read(o.files.getStructure))
		g.POST(o.path+"/add_file", add, e.write(withQuery(o.files.addFile)))
		g.GET(o.path+"/get_file", get, e.read(o.files.getFile))
		g.PUT(o.path+"/update_file", update, e.write(withQuery(o.files.updateFile)))
		g.DELETE(o.path+"/remove_file", remove, e.write(o.files.removeFile))
	}

	// §4.6 Traffic sources
	g.GET("/traffic_sources", trafficSourceOps.list("Traffic sources that are not archived"), e.read(listTrafficSources))
	g.GET("/traffic_sources/:id", trafficSourceOps.get(), e.read(getTrafficSource))
	g.POST("/traffic_sources", trafficSourceOps.create(trafficSource), e.write(createTrafficSource))
	g.PUT("/traffic_sources/:id", trafficSourceOps.update(trafficSource), e.write(updateTrafficSource))
	g.DELETE("/traffic_sources/:id", trafficSourceOps.act("Archive a traffic source", trafficSource), e.write(archiveTrafficSource))
	g.POST("/traffic_sources/:id/clone", trafficSourceOps.act("Clone a traffic source", one(trafficSource)), e.write(cloneTrafficSource))

	// §4.7 Groups
	g.GET("/groups", listGroupsOp, e.read(listGroups))
	g.POST("/groups", groupOps.create(groupCreatedSchema), e.write(createGroup))
	g.PUT("/groups/:id", groupOps.update(groupUpdatedSchema), e.write(updateGroup))
	g.DELETE("/groups/:id/delete", adminOp("groups", "Delete a group (its members lose it)", idParam, jsonBody(object(opt("id", intIn)).Open().Describe("ignored")), ok("deleted", groupDeletedSchema), notFoundErr), e.write(deleteGroup))

	// §4.8 Domains
	g.GET("/domains", domainOps.list("Domains that are not archived"), e.read(listDomains))
	g.GET("/domains/deleted", domainOps.list("Archived domains"), e.read(listDeletedDomains))
	g.GET("/domains/:id", domainOps.get(), e.read(getDomain))
	g.POST("/domains", domainOps.create(one(domain)), e.write(createDomain))
	g.PUT("/domains/:id", domainOps.update(domain), e.write(updateDomain))
	g.DELETE("/domains/:id", domainOps.act("Archive a domain", domain), e.write(archiveDomain))
	g.POST("/domains/:id/check", domainOps.act("Check a domain's DNS again", one(domain)), e.write(checkDomain))
	g.POST("/domains/:id/restore", domainOps.act("Restore an archived domain", one(domain)), e.write(restoreDomain))

	// §4.9 Users
	g.GET("/users", userOps.list("Users"), e.read(listUsers))
	g.GET("/users/:id", userOps.get(), e.read(getUser))
	g.POST("/users", adminOp("users", "Create a user", nil, userBody(true), ok("created", user), validation), e.write(createUser))
	g.PUT("/users/:id", adminOp("users", "Change a user", idParam, userBody(false), ok("changed", user), notFoundErr, validation), e.write(updateUser))
	g.PUT("/users/:id/access", adminOp("users", "Change a user's access", idParam, accessBody, ok("changed", user), notFoundErr, validation), e.write(updateUserAccess))
	g.DELETE("/users/:id", adminOp("users", "Delete a user (not the admin, user 1)", idParam, nil, ok("deleted", successSchema), notFoundErr, openapi.JSONAnswer(http.StatusForbidden, "user 1", errorSchema)), e.write(deleteUser))

	// §4.10 Bot list
	g.GET("/botlist", adminOp("bot list", "The bot list", nil, nil, ok("entries joined by newlines", object(openapi.Field("value", str())))), e.read(getBotList))
	g.PUT("/botlist", adminOp("bot list", "Replace the bot list", nil, valueBody, ok("the entries now listed", countSchema), validation), e.write(replaceBotList))
	g.POST("/botlist/add", adminOp("bot list", "Add entries", nil, valueBody, ok("the entries now listed", countSchema), validation), e.write(addToBotList))
	g.POST("/botlist/exclude", adminOp("bot list", "Remove entries", nil, valueBody, ok("the entries now listed", countSchema), validation), e.write(excludeFromBotList))
	g.DELETE("/botlist", adminOp("bot list", "Empty the bot list", nil, nil, ok("emptied", countSchema)), e.write(clearBotList))

	// §0 Integrations
	g.GET("/integrations/avscan", settingOp("avscan_key", false), e.read(getAvscan))
	g.PUT("/integrations/avscan", settingOp("avscan_key", true), e.write(withQuery(putAvscan)))
	g.GET("/integrations/imklo", settingOp("imklo_api_url", false), e.read(getImklo))
	g.PUT("/integrations/imklo", settingOp("imklo_api_url", true), e.write(withQuery(putImklo)))
	g.GET("/integrations/facebook", adminOp("integrations", "Facebook integrations", nil, nil, ok("the list", object(openapi.Field("data", array(facebook))))), e.read(listFacebook))
	g.POST("/integrations/facebook", adminOp("integrations", "Add a Facebook integration", nil, jsonBody(fieldsBody(facebookIntegrations.fields, true)), ok("added", facebook), validation), e.write(createFacebook))
	g.GET("/integrations/facebook/:id", adminOp("integrations", "One Facebook integration", idParam, nil, ok("it", object(openapi.Field("data", facebook))), notFoundErr), e.read(getFacebook))
	g.PUT("/integrations/facebook/:id", adminOp("integrations", "Change a Facebook integration", idParam, jsonBody(fieldsBody(facebookIntegrations.fields, false)), ok("changed", object(openapi.Field("data", facebook))), notFoundErr, validation), e.write(updateFacebook))
	g.DELETE("/integrations/facebook/:id", adminOp("integrations", "Delete a Facebook integration", idParam, nil, ok("deleted", successSchema), notFoundErr), e.write(deleteFacebook))
	g.GET("/integrations/facebook/:id/campaign", adminOp("integrations", "The campaigns linked to a Facebook integration", idParam, nil, ok("the campaigns", array(object(openapi.Field("name", str()), openapi.Field("value", openapi.Integer())))), notFoundErr), e.read(listFacebookCampaigns))
	g.POST("/integrations/facebook/:id/campaign", adminOp("integrations", "Link a campaign", append(idParam[:1:1], openapi.Query("campaign_id", intIn, "or in the body")), jsonBody(object(opt("campaign_id", intIn)).Open()), ok("linked", successSchema), notFoundErr, validation), e.write(withQuery(linkFacebookCampaign)))
	g.DELETE("/integrations/facebook/:id/campaign", adminOp("integrations", "Unlink a campaign", append(idParam[:1:1], openapi.Query("campaign_id", intIn, "or in the body")), jsonBody(object(opt("campaign_id", intIn)).Open()), ok("unlinked", successSchema), notFoundErr, validation), e.write(unlinkFacebookCampaign))

	// §4.12 Logs
	g.GET("/logs/types", logTypesOp, e.read(listLogTypes))
	g.POST("/logs/types", logTypesOp, e.read(listLogTypes))
	g.GET("/logs/:type", listLogOp, e.read(listLog))
	g.DELETE("/logs/:type", adminOp("logs", "Empty a log", []openapi.Param{logTypeParam}, nil, ok("emptied", successSchema), notFoundErr), e.write(clearLog))
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
