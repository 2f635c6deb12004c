package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	cs := newConsoleServer(t)
	c := cs.newConversation(t)
	cs.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": "quanto costa la carta d'identità"}, nil)
	resp, err := http.Get(cs.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`sportello_answers_total{decision="answer"} 1`, "sportello_queue_length 0", "sportello_operators_online 0",
		"sportello_outbox_pending 0", `sportello_http_requests_total{code="2xx",route="/api/v1/conversations/:id/messages"} 1`, "sportello_schede 39"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	t.Run("with a token, only with the token", func(t *testing.T) {
		ts := newTestServer(t, Options{MetricsToken: "s3greto"})
		for token, want := range map[string]int{"": 401, "sbagliato": 401, "s3greto": 200} {
			req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("token %q: %d, want %d", token, resp.StatusCode, want)
			}
		}
	})
}

func TestStatisticsPage(t *testing.T) {
	cs := newConsoleServer(t)
	for _, q := range []string{"quanto costa la carta d'identità", "come pago la tari", "il mio vicino suona la batteria di notte"} {
		c := cs.newConversation(t)
		cs.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": q}, nil)
	}
	if err := cs.srv.events.Flush(); err != nil {
		t.Fatal(err)
	}
	editor := cs.newClient(t)
	editor.login(t, "rita", "password-lunga-1")
	get := func(path string) (int, string) {
		resp, err := editor.Get(cs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page := get("/statistiche")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{"<svg", `role="img"`, "<title id=\"c-motivi-t\">", ">3</span> domande in 3 conversazioni", "Scarica CSV", "nessuna scheda adatta"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	code, body := get("/statistiche/riepilogo.csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if code != 200 || err != nil || rows[0][0] != "Indicatore" || rows[2][1] != "3" {
		t.Errorf("CSV %d %v: %q", code, err, body)
	}
	if code, page := get("/statistiche?da=2026-13-01"); code != 400 || !strings.Contains(page, "non è valida") {
		t.Errorf("bad date: %d", code)
	}
	op := cs.newClient(t)
	op.login(t, "mario", "password-lunga-1")
	resp, _ := op.Get(cs.URL + "/statistiche")
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("an operator sees the statistics: %d", resp.StatusCode)
	}
}
