package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/schede"
)

// newEditingServer serves a copy of the demo schede that the editors may
// change, with the console fixture's accounts.
func newEditingServer(t *testing.T) (*consoleServer, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Schede()); err != nil {
		t.Fatal(err)
	}
	cs := &consoleServer{}
	cs.testServer = newTestServerWith(t, Options{}, func(d *Deps) {
		d.Editor = schede.NewEditor(dir)
		cs.accounts = handoff.NewAccounts(d.Store)
		d.Accounts = cs.accounts
	})
	for _, u := range []struct {
		name string
		role handoff.StaffRole
	}{{"rita", handoff.StaffRedattore}, {"mario", handoff.StaffOperatore}} {
		if _, err := cs.accounts.AddUser(context.Background(), u.name, "", u.role, "password-lunga-1"); err != nil {
			t.Fatal(err)
		}
	}
	return cs, dir
}

func (c *staffClient) form(t *testing.T, path string, v url.Values) (int, string) {
	t.Helper()
	v.Set("csrf", c.csrf)
	resp, err := c.PostForm(c.base+path, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c *staffClient) page(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func editorLogin(t *testing.T, cs *consoleServer) *staffClient {
	ed := cs.newClient(t)
	ed.login(t, "rita", "password-lunga-1")
	_, page := ed.page(t, "/redazione")
	ed.csrf = csrfField.FindStringSubmatch(page)[1]
	return ed
}

func TestRedazione(t *testing.T) {
	cs, dir := newEditingServer(t)
	ed := editorLogin(t, cs)
	const path = "tributi/tari-pagamento.md"
	t.Run("the list", func(t *testing.T) {
		code, page := ed.page(t, "/redazione?q=tari")
		if code != 200 || !strings.Contains(page, "Pagamento della TARI") || strings.Contains(page, "Carta d&#39;identità") {
			t.Errorf("list: %d", code)
		}
		op := cs.newClient(t)
		op.login(t, "mario", "password-lunga-1")
		if code, _ := op.page(t, "/redazione"); code != http.StatusForbidden {
			t.Errorf("an operator opens the editor: %d", code)
		}
	})
	_, page := ed.page(t, "/redazione/scheda?path="+path)
	version := regexpFind(t, page, `name="versione" value="([^"]+)"`)
	form := func(title, body string) url.Values {
		return url.Values{"path": {path}, "versione": {version}, "id": {"tari-pagamento"}, "titolo": {title}, "categoria": {"Tributi"},
			"stato": {"pubblicata"}, "aggiornata": {"2026-11-24"}, "domande": {"come pago la tari?\nposso pagare la tari a rate?"},
			"sinonimi": {"tassa rifiuti, spazzatura"}, "corpo": {body}}
	}
	body := "Come e quando si paga la TARI.\n\n## Come fare\n\nCon pagoPA. <script>alert(1)</script>\n\n## Quanto costa\n\nDipende dai metri quadri."
	t.Run("live preview as citizens see it, raw HTML dropped", func(t *testing.T) {
		code, frag := ed.form(t, "/redazione/anteprima", form("Pagamento della TARI", body))
		if code != 200 || !strings.Contains(frag, "<h4>Come fare</h4>") || strings.Contains(frag, "<script>") || !strings.Contains(frag, "Nessun problema") {
			t.Errorf("preview %d: %s", code, frag)
		}
		_, frag = ed.form(t, "/redazione/anteprima", form("", body))
		if !strings.Contains(frag, "titolo") {
			t.Errorf("a missing title is not reported: %s", frag)
		}
	})
	t.Run("prova asks the assistant against the draft", func(t *testing.T) {
		v := form("Pagamento della TARI", body)
		v.Set("domanda", "la spazzatura si paga a rate?")
		_, out := ed.form(t, "/redazione/prova", v)
		var ans struct {
			Decision string `json:"decision"`
			ThisCard bool   `json:"this_card"`
		}
		json.Unmarshal([]byte(out), &ans)
		if ans.Decision != "answer" || !ans.ThisCard {
			t.Errorf("prova = %s", out)
		}
	})
	t.Run("save writes the file and keeps the old one", func(t *testing.T) {
		code, _ := ed.form(t, "/redazione/scheda", form("Pagamento della TARI (2027)", body))
		if code != http.StatusSeeOther {
			t.Fatalf("save: %d", code)
		}
		now, _ := os.ReadFile(filepath.Join(dir, path))
		if !strings.Contains(string(now), "titolo: Pagamento della TARI (2027)") {
			t.Errorf("file = %s", now)
		}
		hist, _ := filepath.Glob(filepath.Join(dir, ".history", "tributi", "tari-pagamento.md.*.md"))
		if len(hist) != 1 {
			t.Errorf("history = %v", hist)
		}
	})
	t.Run("a second save from the old page is a conflict and keeps the text", func(t *testing.T) {
		code, page := ed.form(t, "/redazione/scheda", form("Il mio titolo non va perso", body))
		if code != http.StatusConflict || !strings.Contains(page, "Nel frattempo qualcun altro") || !strings.Contains(page, "Il mio titolo non va perso") {
			t.Errorf("conflict: %d", code)
		}
	})
	t.Run("errors are shown in place and nothing is written", func(t *testing.T) {
		_, page := ed.page(t, "/redazione/scheda?path="+path)
		version = regexpFind(t, page, `name="versione" value="([^"]+)"`)
		v := form("", body)
		code, page := ed.form(t, "/redazione/scheda", v)
		if code != http.StatusBadRequest || !strings.Contains(page, `aria-describedby="err-titolo"`) || !strings.Contains(page, `<span class="field-err" id="err-titolo">`) {
			t.Errorf("missing title not shown beside the field: %d", code)
		}
		v = form("Pagamento della TARI", body)
		v.Set("link", "ftp://sbagliato")
		if _, page := ed.form(t, "/redazione/scheda", v); !strings.Contains(page, `id="err-link"`) {
			t.Error("a bad link is not shown beside its field")
		}
		now, _ := os.ReadFile(filepath.Join(dir, path))
		if !strings.Contains(string(now), "(2027)") {
			t.Error("a broken draft was written")
		}
	})
}

func TestUnansweredQuestionsPage(t *testing.T) {
	cs, dir := newEditingServer(t)
	for _, q := range []string{"quando apre la piscina comunale?", "orari della piscina", "mi chiamo Mario Rossi, quanto costa l'ingresso in piscina?"} {
		c := cs.newConversation(t)
		cs.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": q}, nil)
	}
	ed := editorLogin(t, cs)
	code, page := ed.page(t, "/redazione/domande")
	if code != 200 || !strings.Contains(page, "<span class=\"count\">3</span>") || !strings.Contains(page, "mi chiamo [nome], quanto costa l&#39;ingresso in piscina") || strings.Contains(page, "Mario Rossi") {
		t.Fatalf("page %d:\n%s", code, page)
	}
	ids := regexpFind(t, page, `name="ids" value="([^"]+)"`)
	t.Run("create a scheda from the questions", func(t *testing.T) {
		_, page := ed.page(t, "/redazione/scheda?domande="+ids)
		if !strings.Contains(page, "quando apre la piscina comunale?\norari della piscina") {
			t.Error("the new draft is not prefilled with the questions")
		}
	})
	t.Run("add them to a scheda's domande", func(t *testing.T) {
		code, _ := ed.form(t, "/redazione/domande", url.Values{"azione": {"aggiungi"}, "ids": {ids}, "scheda": {"servizi/urp-orari-contatti.md"}})
		if code != http.StatusSeeOther {
			t.Fatalf("aggiungi: %d", code)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "servizi", "urp-orari-contatti.md"))
		if !strings.Contains(string(b), "- orari della piscina") {
			t.Errorf("file = %s", b)
		}
	})
	t.Run("add the question as the editor rewrote it", func(t *testing.T) {
		if !regexp.MustCompile(`name="domanda"[^>]*value="[^"]*piscina[^"]*"`).MatchString(page) {
			t.Fatalf("the form does not offer the question to rewrite:\n%s", page)
		}
		code, _ := ed.form(t, "/redazione/domande", url.Values{"azione": {"aggiungi"}, "ids": {ids}, "scheda": {"servizi/urp-orari-contatti.md"},
			"domanda": {"  Quanto costa   l'ingresso\nin piscina? "}})
		if code != http.StatusSeeOther {
			t.Fatalf("aggiungi: %d", code)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "servizi", "urp-orari-contatti.md"))
		if !strings.Contains(string(b), "- Quanto costa l'ingresso in piscina?\n") {
			t.Errorf("file = %s", b)
		}
		if code, _ := ed.form(t, "/redazione/domande", url.Values{"azione": {"aggiungi"}, "ids": {ids}, "scheda": {"servizi/urp-orari-contatti.md"}, "domanda": {" "}}); code != http.StatusBadRequest {
			t.Errorf("an empty question: %d, want 400", code)
		}
	})
	t.Run("ignore", func(t *testing.T) {
		ed.form(t, "/redazione/domande", url.Values{"azione": {"ignora"}, "ids": {ids}})
		if _, page := ed.page(t, "/redazione/domande"); !strings.Contains(page, "Nessuna domanda senza risposta") {
			t.Error("ignored questions still listed")
		}
	})
}
