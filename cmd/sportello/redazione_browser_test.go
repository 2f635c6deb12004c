package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/insights"
)

// setField sets an input or textarea of the page and fires input.
func setField(id, value string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, id, value), nil)
}

func TestRedazioneEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	base := startAt(t, time.Date(2026, 11, 24, 10, 0, 0, 0, handoff.Rome()))
	question := "quanto costa l'ingresso alla piscina comunale?"
	citizen := browser(t)
	citizenAsks(citizen, t, base, question)
	waitShadow(citizen, t, "no scheda: handed over", `[...root.querySelectorAll('.sp-assistant')].some(e => /persona dell'ufficio/.test(e.textContent))`)

	editor := browser(t)
	staffSignIn(editor, t, base, "rita")
	waitJS(editor, t, "the editors' list", `location.pathname === '/redazione' && document.querySelector('table.list')`)
	checkAxe(editor, t, "redazione")

	if err := chromedp.Run(editor, chromedp.Navigate(base+"/redazione/domande")); err != nil {
		t.Fatal(err)
	}
	waitJS(editor, t, "the question among those without an answer", `[...document.querySelectorAll('.group li')].some(e => e.textContent.includes("ingresso alla piscina"))`)
	checkAxe(editor, t, "domande senza risposta")
	if err := chromedp.Run(editor, chromedp.Click(`.group a.btn-small`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(editor, t, "a new draft with the question", `document.getElementById('domande') && document.getElementById('domande').value.includes("ingresso alla piscina")`)
	body := "La piscina comunale di Valdoria, in via dello Sport 3, è aperta tutto l'anno.\n\n## Orari\n\nDal lunedì al sabato dalle 9 alle 21.\n\n## Quanto costa\n\nL'ingresso alla piscina costa 5 euro, 3 euro per i ragazzi fino a 14 anni; l'abbonamento a dieci ingressi costa 40 euro.\n"
	err := chromedp.Run(editor, setField("titolo", "Piscina comunale"), setField("id", "piscina-comunale"), setField("categoria", "Sport e tempo libero"),
		setField("sinonimi", "piscina, nuoto, vasca"), chromedp.SetValue(`#stato`, "pubblicata", chromedp.ByID), setField("corpo", body))
	if err != nil {
		t.Fatal(err)
	}
	waitJS(editor, t, "the preview as citizens see it", `[...document.querySelectorAll('#anteprima h4')].some(e => e.textContent === 'Quanto costa') && /Nessun problema/.test(document.getElementById('anteprima').textContent)`)
	t.Run("prova before publishing", func(t *testing.T) {
		err := chromedp.Run(editor, setField("domanda", "quanto si paga per nuotare?"), chromedp.Click(`#prova button`, chromedp.ByQuery))
		if err != nil {
			t.Fatal(err)
		}
		waitJS(editor, t, "the assistant would answer with this scheda", `/Risponde con questa scheda/.test(document.getElementById('risposta-prova').textContent)`)
	})
	checkAxe(editor, t, "scheda editor")
	screenshot(editor, t, "redazione-editor.png")
	if err := chromedp.Run(editor, chromedp.Click(`#editor button[type=submit]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(editor, t, "saved", `/Scheda salvata/.test(document.body.textContent)`)

	t.Run("the question that failed is now answered", func(t *testing.T) {
		deadline := time.Now().Add(10 * time.Second)
		for {
			err := chromedp.Run(citizen, inShadow(`root.querySelector('.sp-input').focus()`, nil), typeText(question), chromedp.KeyEvent(kb.Enter))
			if err != nil {
				t.Fatal(err)
			}
			var answered bool
			time.Sleep(700 * time.Millisecond)
			chromedp.Run(citizen, inShadow(`[...root.querySelectorAll('.sp-card-title')].some(e => e.textContent === 'Piscina comunale') && /5 euro/.test(root.querySelector('.sp-log').textContent)`, &answered))
			if answered {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the new scheda does not answer within 10 s")
			}
		}
		if err := chromedp.Run(editor, chromedp.Navigate(base+"/redazione/domande")); err != nil {
			t.Fatal(err)
		}
		waitJS(editor, t, "the question shown as resolved", `/ora risponde «Piscina comunale»/.test(document.body.textContent)`)
	})

	t.Run("statistics", func(t *testing.T) {
		if err := chromedp.Run(editor, chromedp.Navigate(base+"/statistiche")); err != nil {
			t.Fatal(err)
		}
		waitJS(editor, t, "figures and charts", `document.querySelectorAll('svg.chart').length === 4 && document.querySelector('#t-riepilogo')`)
		checkAxe(editor, t, "statistiche")
	})
}

func TestStatisticsOfAYearInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	base := startWith(t, time.Date(2026, 11, 24, 10, 0, 0, 0, handoff.Rome()), func(s *handoff.Store) {
		if err := insights.GenerateYear(s, time.Date(2025, 11, 24, 0, 0, 0, 0, handoff.Rome()), 50_000); err != nil {
			t.Fatal(err)
		}
	})
	ctx := browser(t)
	staffSignIn(ctx, t, base, "rita")
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1366, 1000)); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "signed in", `location.pathname === '/redazione'`)
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/statistiche?da=2025-11-24&a=2026-11-23")); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "a year of figures", `/50000/.test(document.querySelector('.kpis').textContent) && document.querySelectorAll('svg.chart').length === 4 && document.querySelectorAll('rect.heat.h5').length > 0 && document.querySelectorAll('#t-giorni tbody tr').length >= 365`)
	checkAxe(ctx, t, "statistiche")
	screenshot(ctx, t, "statistiche.png")
	var csv string
	chromedp.Run(ctx, chromedp.Evaluate(`fetch('/statistiche/motivi.csv?da=2025-11-24&a=2026-11-23').then(r => r.text())`, &csv, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !strings.HasPrefix(csv, "Motivo,Numero\n") || strings.Count(csv, "\n") != 8 {
		t.Errorf("CSV of the reasons: %q", csv)
	}
}
