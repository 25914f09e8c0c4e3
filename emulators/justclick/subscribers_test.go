package justclick_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/justclick"
)

func TestSubscriptionLifecycle(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	freeze(t, srv, "2024-03-01T12:00:00Z") // 1709294400
	a := defaultAccount(t, srv)
	const email = "Ivan@Example.com"

	a.call("GetCountSubscribe", "group_name", "news").result(t, `"1"`)
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", email, "lead_name", "Ivan").is(t, 0, "OK").noResult(t)
	a.call("GetLeadGroupStatuses", "email", "ivan@example.com").
		result(t, `[{"rass_name":"news","rass_title":"Newsletter","rass_status":"STATUS_SUBSCRIBE","subscription_time":"1709294400"}]`)
	a.call("GetCountSubscribe", "group_name", "news").result(t, `"2"`)
	a.call("GetLeadGroups", "email", email).result(t, `[{"rass_name":"news","rass_title":"Newsletter"}]`)

	advance(t, srv, "1h")
	a.call("DeleteSubscribe", "lead_email", email, "rass_name", "news").is(t, 0, "OK").noResult(t)
	a.call("GetLeadGroupStatuses", "email", email).
		result(t, `[{"rass_name":"news","rass_title":"Newsletter","rass_status":"STATUS_UNSUBSCRIBE","subscription_time":"1709298000"}]`)
	a.call("GetCountSubscribe", "group_name", "news").result(t, `"1"`)
	a.call("GetLeadGroups", "email", email).is(t, 501, "Group not found")

	a.call("AddLeadToGroup", "rid[0]", "news", "rid[1]", "vip", "lead_email", email).is(t, 0, "OK")
	a.call("GetLeadGroupStatuses", "email", email).
		result(t, `[{"rass_name":"news","rass_title":"Newsletter","rass_status":"STATUS_SUBSCRIBE","subscription_time":"1709298000"},{"rass_name":"vip","rass_title":"VIP clients","rass_status":"STATUS_SUBSCRIBE","subscription_time":"1709298000"}]`)
	a.call("AddLeadToGroup", "rid", "vip", "lead_email", email).is(t, 0, "The subscriber is already registered")
	a.call("GetCountSubscribe", "group_name", "unique").result(t, `"2"`)
	a.call("GetCountSubscribe", "group_name", "alls").result(t, `"3"`)
	a.call("GetCountSubscribe", "group_name", "all").result(t, `"3"`)
	a.call("GetCountSubscribe", "group_name", "vip").result(t, `"1"`)
	// Deleting from two groups at once; a group the contact never joined is fine.
	a.call("DeleteSubscribe", "lead_email", "IVAN@example.com", "rass_name[0]", "vip", "rass_name[1]", "allleads").is(t, 0, "OK")
	a.call("GetCountSubscribe", "group_name", "vip").result(t, `"0"`)
}

func TestAddLeadToGroupOutcomes(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)

	for _, email := range []string{"", "not-an-email", "a@b", "a@b.c", "@example.com"} {
		a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", email).is(t, 100, "Email is missing").noResult(t)
	}
	a.call("AddLeadToGroup", "rid[0]", "news").is(t, 100, "Email is missing")
	// The check is unanchored, as the vendor's: an address anywhere will do.
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "<odd> a@b.cd!").is(t, 0, "OK")

	a.call("AddLeadToGroup", "rid[0]", "nosuch", "lead_email", "n@example.com").is(t, 0, "Has an invalid subscriptions group")
	a.call("AddLeadToGroup", "rid[0]", "allleads", "lead_email", "n@example.com").is(t, 0, "Has an invalid subscriptions group")
	a.call("AddLeadToGroup", "lead_email", "n@example.com").is(t, 0, "Has an invalid subscriptions group")
	a.call("GetLeadGroupStatuses", "email", "n@example.com").is(t, 500, "Subscriber not found")
	// Any usable group will do.
	a.call("AddLeadToGroup", "rid[0]", "nosuch", "rid[1]", "vip", "lead_email", "n@example.com").is(t, 0, "OK")

	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "subscriber@example.com").is(t, 0, "The subscriber is already registered")

	// Double opt-in: WAIT until the control plane plays the activation click.
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "w@example.com", "activation", "1").is(t, 0, "Activation email sent to subscriber")
	a.call("GetLeadGroups", "email", "w@example.com").result(t, `[{"rass_name":"news","rass_title":"Newsletter"}]`)
	a.call("GetCountSubscribe", "group_name", "news").result(t, `"2"`)
	body := control(t, srv, "POST", "subscriptions", map[string]any{"login": login, "email": "W@example.com"}, http.StatusOK)
	if body != `{"updated":1}` {
		t.Errorf("activate: %s", body)
	}
	a.call("GetCountSubscribe", "group_name", "news").result(t, `"3"`)
	// Already subscribed somewhere: no second activation e-mail.
	a.call("AddLeadToGroup", "rid[0]", "vip", "lead_email", "w@example.com", "activation", "1").is(t, 0, "OK")
	// activation=0 is PHP-empty.
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "z@example.com", "activation", "0").is(t, 0, "OK")

	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "s@example.com", "service", "justclick").
		is(t, 0, "Subscriber added. Activation email not sent.")

	// An account that requires activation.
	b := newAccount(t, srv, "optin", "activation_required", true)
	control(t, srv, "POST", "groups", map[string]any{"login": "optin", "rass_name": "list"}, http.StatusCreated)
	b.call("AddLeadToGroup", "rid[0]", "list", "lead_email", "q@example.com").is(t, 0, "Activation email sent to subscriber")
	b.call("GetLeadGroupStatuses", "email", "q@example.com").is(t, 0, "OK")
	if !strings.Contains(b.call("GetLeadGroupStatuses", "email", "q@example.com").Body, `"STATUS_WAIT"`) {
		t.Error("want STATUS_WAIT")
	}
	b.call("AddLeadToGroup", "rid[0]", "list", "lead_email", "k@example.com", "service", "KursBesplatno").
		is(t, 0, "Subscriber added. Activation email not sent.")

	// A new contact keeps the lead fields; the default name is the vendor's.
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "new@example.com", "lead_phone", "+7", "lead_city", "Kazan", "tag", "t1",
		"utm[utm_source]", "fb").is(t, 0, "OK")
	state := srv.Do("GET", "/_emulator/state/justclick?tenant=username", nil).Body
	for _, want := range []string{
		`{"email":"new@example.com","name":"Дорогой друг","phone":"+7","city":"Kazan","tags":"t1","subscriptions":[{"rass_name":"news","status":"STATUS_SUBSCRIBE","subscription_time":`,
		`"extra":"utm%5Butm_source%5D=fb"`,
	} {
		if !strings.Contains(state, want) {
			t.Errorf("state lacks %s\n%s", want, state)
		}
	}
}

func TestAddLeadToGroupIPLimit(t *testing.T) {
	srv, _ := start(t, justclick.Config{IPLimit: 2})
	freeze(t, srv, "2024-03-01T12:00:00Z")
	a := defaultAccount(t, srv)
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "l1@example.com").is(t, 0, "OK")
	// Not counted: nothing was subscribed.
	a.call("AddLeadToGroup", "rid[0]", "nosuch", "lead_email", "l2@example.com").is(t, 0, "Has an invalid subscriptions group")
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "l2@example.com", "activation", "1").is(t, 0, "Activation email sent to subscriber")
	r := a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "l3@example.com")
	r.is(t, 8, "Limit to subscribe for this IP exided. Try later.127.0.0.1").noResult(t)
	// Privileged services are not limited.
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "l3@example.com", "service", "justclick").
		is(t, 0, "Subscriber added. Activation email not sent.")
	// Another account has its own count; one that may subscribe has none.
	b := newAccount(t, srv, "free", "api_can_subscribe", true)
	control(t, srv, "POST", "groups", map[string]any{"login": "free", "rass_name": "list"}, http.StatusCreated)
	for _, e := range []string{"f1@example.com", "f2@example.com", "f3@example.com"} {
		b.call("AddLeadToGroup", "rid[0]", "list", "lead_email", e).is(t, 0, "OK")
	}
	advance(t, srv, "24h")
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "l4@example.com").is(t, 0, "OK")
}

func TestUpdateSubscriberData(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("UpdateSubscriberData", "lead_name", "x").is(t, 100, "Email is missing")
	a.call("UpdateSubscriberData", "lead_email", "bad").is(t, 100, "Email is missing")
	a.call("UpdateSubscriberData", "lead_email", "ghost@example.com").is(t, 500, "Subscriber not found")
	a.call("UpdateSubscriberData", "lead_email", "SUBSCRIBER@example.com", "lead_name", "New Name", "lead_city", "",
		"lead_tags", "a,b").is(t, 0, "OK").noResult(t)
	state := srv.Do("GET", "/_emulator/state/justclick?tenant=username", nil).Body
	if want := `{"email":"subscriber@example.com","name":"New Name","phone":"+70000000000","city":"","tags":"a,b",`; !strings.Contains(state, want) {
		t.Errorf("state lacks %s\n%s", want, state)
	}
	// An unsubscribed contact still exists.
	a.call("DeleteSubscribe", "lead_email", "subscriber@example.com", "rass_name", "news").is(t, 0, "OK")
	a.call("UpdateSubscriberData", "lead_email", "subscriber@example.com", "lead_phone", "1").is(t, 0, "OK")
}

func TestDeleteSubscribeErrors(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("DeleteSubscribe", "lead_email", "subscriber@example.com").is(t, 0, "OK")
	a.call("DeleteSubscribe", "lead_email", "subscriber@example.com", "rass_name", "").is(t, 0, "OK")
	a.call("DeleteSubscribe", "lead_email", "subscriber@example.com", "rass_name", "0").is(t, 0, "OK")
	a.call("DeleteSubscribe", "lead_email", "subscriber@example.com", "rass_name", "nosuch").is(t, 800, "Group subscribers is not found").noResult(t)
	a.call("DeleteSubscribe", "lead_email", "ghost@example.com", "rass_name", "news").is(t, 801, "Subscriber with such address is not found")
	a.call("DeleteSubscribe", "lead_email", "ghost@example.com", "rass_name", "nosuch").is(t, 800, "Group subscribers is not found")
	// All names are checked before anything is written.
	a.call("DeleteSubscribe", "lead_email", "subscriber@example.com", "rass_name[0]", "news", "rass_name[1]", "nosuch").
		is(t, 800, "Group subscribers is not found")
	a.call("GetCountSubscribe", "group_name", "news").result(t, `"1"`)
}

func TestLeadGroupQueries(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	for _, fn := range []string{"GetLeadGroups", "GetLeadGroupStatuses"} {
		a.call(fn).is(t, 3, "Wrong posted data").noResult(t)
		a.call(fn, "email", "nope").is(t, 3, "Wrong posted data")
	}
	a.call("GetLeadGroups", "email", "ghost@example.com").is(t, 501, "Group not found")
	a.call("GetLeadGroups", "email", "subscriber@example.com").result(t, `[{"rass_name":"news","rass_title":"Newsletter"}]`)
	a.call("GetLeadGroupStatuses", "email", "subscriber@example.com").result(t,
		`[{"rass_name":"news","rass_title":"Newsletter","rass_status":"STATUS_SUBSCRIBE","subscription_time":"1470009600"},{"rass_name":"vip","rass_title":"VIP clients","rass_status":"STATUS_UNSUBSCRIBE","subscription_time":"1470096000"}]`)
	// A contact without any subscription row.
	seed := map[string]any{"justclick": map[string]any{"tenants": []any{map[string]any{
		"login": "username", "contacts": []any{map[string]any{"email": "lonely@example.com"}},
	}}}}
	if resp := srv.Do("POST", "/_emulator/seed", seed); resp.Status != 200 {
		t.Fatalf("seed: %d %s", resp.Status, resp.Body)
	}
	a.call("GetLeadGroupStatuses", "email", "lonely@example.com").is(t, 501, "Group not found")
	a.call("GetLeadGroups", "email", "lonely@example.com").is(t, 501, "Group not found")
}

func TestGroups(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("GetCountSubscribe").is(t, 2, "No transmitted data").noResult(t)
	a.call("GetCountSubscribe", "group_name", "").is(t, 2, "No transmitted data")
	a.call("GetCountSubscribe", "group_name", "nosuch").is(t, 501, "Group not found")
	a.call("GetCountSubscribe", "group_name", "allleads").result(t, `"0"`)

	b := newAccount(t, srv, "empty")
	b.call("GetAllGroups").is(t, 501, "Group not found").noResult(t)
	body := control(t, srv, "POST", "groups", map[string]any{"login": "empty", "rass_name": "club", "rass_title": "Клуб"}, http.StatusCreated)
	if body != `{"rass_id":"1000","rass_name":"club","rass_title":"Клуб","auto":false}` {
		t.Errorf("group: %s", body)
	}
	control(t, srv, "POST", "groups", map[string]any{"login": "empty", "rass_name": "hidden", "auto": true}, http.StatusCreated)
	b.call("GetAllGroups").result(t, `[{"rass_id":"1000","rass_name":"club","rass_title":"\u041a\u043b\u0443\u0431"}]`)
	// Extra fields are allowed and enter the hash.
	a.call("GetAllGroups", "x", "1").is(t, 0, "OK")
}
