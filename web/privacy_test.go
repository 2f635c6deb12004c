package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPersonalDataPage(t *testing.T) {
	cs := newConsoleServer(t)
	citizen := cs.newConversation(t)
	cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, map[string]string{"text": "il mio vicino fa rumore di notte"}, nil)
	var created struct {
		Number string `json:"number"`
	}
	if resp := cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/ticket", citizen.Token, goodTicket(), &created); resp.StatusCode != http.StatusCreated {
		t.Fatalf("ticket: %d", resp.StatusCode)
	}
	email := goodTicket()["email"].(string)
	admin := cs.newClient(t)
	if resp := admin.login(t, "capo", "password-lunga-1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	page := func(path string) (int, string) {
		t.Helper()
		resp, err := admin.Get(cs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path string, form url.Values) (*http.Response, string) {
		t.Helper()
		form.Set("csrf", admin.csrf)
		resp, err := admin.PostForm(cs.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	code, body := page("/operatore/privacy?cerca=" + url.QueryEscape(strings.ToUpper(email)))
	if code != 200 || !strings.Contains(body, created.Number) || !strings.Contains(body, "Conversazioni: 1") {
		t.Fatalf("search: %d, want the request %s and its chat:\n%s", code, created.Number, body)
	}
	if code, body := page("/operatore/privacy?cerca=" + url.QueryEscape("mario rossi")); code != 200 || !strings.Contains(body, "Scrivi un indirizzo email") {
		t.Errorf("a search that is neither an address nor a number: %d\n%s", code, body)
	}

	resp, body := post("/operatore/privacy/esporta", url.Values{"cerca": {email}})
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	var export struct {
		Richieste     []struct{ Number, Email string }
		Conversazioni []struct {
			Messaggi []struct{ Text string }
		}
	}
	if err := json.Unmarshal([]byte(body), &export); err != nil || len(export.Richieste) != 1 || len(export.Conversazioni) != 1 ||
		export.Conversazioni[0].Messaggi[0].Text != "il mio vicino fa rumore di notte" {
		t.Fatalf("export: %v\n%s", err, body)
	}

	resp, body = post("/operatore/privacy/cancella", url.Values{"cerca": {email}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "spunta la conferma") {
		t.Fatalf("erase without confirming: %d\n%s", resp.StatusCode, body)
	}
	if _, body := page("/operatore/privacy?cerca=" + url.QueryEscape(email)); !strings.Contains(body, created.Number) {
		t.Fatal("an unconfirmed erasure erased")
	}
	resp, _ = post("/operatore/privacy/cancella", url.Values{"cerca": {email}, "conferma": {"si"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d", resp.StatusCode)
	}
	if _, body := page("/operatore/privacy?cerca=" + url.QueryEscape(email)); !strings.Contains(body, "Nessun dato trovato") {
		t.Errorf("found after erasure:\n%s", body)
	}
	code, body = page("/operatore/richieste/" + created.Number)
	if code != 200 || !strings.Contains(body, "dati cancellati su sua richiesta") || strings.Contains(body, email) {
		t.Errorf("the request after erasure: %d\n%s", code, body)
	}
	if code, body := page("/operatore/richieste?stato=tutte"); code != 200 || !strings.Contains(body, "dati cancellati") || strings.Contains(body, "Bianchi") {
		t.Errorf("the list of requests after erasure: %d\n%s", code, body)
	}
	if resp := cs.call(t, "GET", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, nil, nil); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the erased chat still answers its token: %d", resp.StatusCode)
	}
}
