package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/internal/smtptest"
)

// fill sets a form field inside the widget and fires input events.
func fill(id, value string) chromedp.Action {
	return inShadow(fmt.Sprintf(`(() => { const e = root.getElementById(%q); e.value = %q; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, id, value), nil)
}

func TestWrittenRequestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	smtp := smtptest.Start(t, "", false)
	sunday := time.Date(2026, 11, 29, 11, 0, 0, 0, handoff.Rome())
	var base string
	base = startAt(t, sunday, func(c *Config) {
		c.Mail.SMTP = "smtp://" + smtp.Addr + "?tls=off"
		c.Mail.RetrySeconds = 1
	})
	citizen := browser(t)
	question := "il mio vicino di casa tiene la musica alta di notte, cosa posso fare?"
	citizenAsks(citizen, t, base, question)
	waitShadow(citizen, t, "the offer of a written request", `root.querySelector('.sp-offer')`)
	if err := chromedp.Run(citizen, inShadow(`root.querySelector('.sp-offer').click()`, nil)); err != nil {
		t.Fatal(err)
	}
	waitShadow(citizen, t, "the form, prefilled", fmt.Sprintf(`root.querySelector('.sp-sheet') && root.getElementById('sp-f-text').value === %q && root.getElementById('sp-f-service').value === 'Relazioni con il pubblico'`, question))
	var ac string
	chromedp.Run(citizen, inShadow(`['given-name','family-name','email','tel'].every((v, i) => root.getElementById(['sp-f-first_name','sp-f-last_name','sp-f-email','sp-f-phone'][i]).getAttribute('autocomplete') === v) ? 'ok' : 'missing'`, &ac))
	if ac != "ok" {
		t.Error("autocomplete missing on the personal fields")
	}

	t.Run("bad input: an error under each field", func(t *testing.T) {
		err := chromedp.Run(citizen, fill("sp-f-email", "maria@"), inShadow(`root.querySelector('.sp-sheet .sp-send').click()`, nil))
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "client-side errors", `['first_name','last_name','email','consent'].every(f => root.getElementById('sp-f-' + f + '-err').textContent.length > 0) && root.getElementById('sp-f-email').getAttribute('aria-invalid') === 'true' && root.activeElement === root.getElementById('sp-f-first_name')`)
		// The phone passes the browser's checks, the server refuses it.
		err = chromedp.Run(citizen, fill("sp-f-first_name", "Maria"), fill("sp-f-last_name", "Bianchi"), fill("sp-f-email", "maria.bianchi@example.it"),
			fill("sp-f-phone", "chiamatemi"), inShadow(`root.getElementById('sp-f-consent').click()`, nil), inShadow(`root.querySelector('.sp-sheet .sp-send').click()`, nil))
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "the server's error under the phone", `/Telefono/.test(root.getElementById('sp-f-phone-err').textContent) && root.getElementById('sp-f-first_name-err').textContent === ''`)
		time.Sleep(500 * time.Millisecond)
		checkAxe(citizen, t, "request form with errors")
	})

	t.Run("the form on a 360 px phone", func(t *testing.T) {
		if err := chromedp.Run(citizen, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		var fits bool
		chromedp.Run(citizen, inShadow(`(() => { const s = root.querySelector('.sp-sheet').getBoundingClientRect(), i = root.getElementById('sp-f-email').getBoundingClientRect(); return s.left >= 0 && s.right <= window.innerWidth + 1 && i.right <= s.right + 1 && root.querySelector('.sp-sheet').scrollWidth <= root.querySelector('.sp-sheet').clientWidth + 1; })()`, &fits))
		if !fits {
			t.Error("the request form does not fit a 360 px screen")
		}
		if err := chromedp.Run(citizen, chromedp.EmulateViewport(1280, 860)); err != nil {
			t.Fatal(err)
		}
	})

	var number string
	t.Run("submit: confirmation with the number, and the email", func(t *testing.T) {
		err := chromedp.Run(citizen, fill("sp-f-phone", "+39 333 123 4567"), inShadow(`root.querySelector('.sp-sheet .sp-send').click()`, nil))
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "confirmation", `/Richiesta inviata/.test(root.querySelector('.sp-sheet').textContent) && /URP-2026-\d{6}/.test(root.querySelector('.sp-sheet strong').textContent)`)
		chromedp.Run(citizen, inShadow(`root.querySelector('.sp-sheet strong').textContent`, &number))
		screenshot(citizen, t, "widget-request.png")
		m := smtp.Wait(t, 1, 10*time.Second)[0]
		if m.To[0] != "maria.bianchi@example.it" || !strings.Contains(decodeHeader(m.Header.Get("Subject")), number) {
			t.Errorf("confirmation email to %v, subject %q", m.To, decodeHeader(m.Header.Get("Subject")))
		}
	})

	var statusURL string
	chromedp.Run(citizen, inShadow(`root.querySelector('.sp-sheet a.sp-more').href`, &statusURL))
	if !strings.HasPrefix(statusURL, "http://localhost:8080/richieste/") {
		t.Fatalf("status link %q", statusURL)
	}
	statusPath := strings.TrimPrefix(statusURL, "http://localhost:8080")

	t.Run("an operator answers in the console", func(t *testing.T) {
		operator := browser(t)
		operatorLogin(operator, t, base)
		err := chromedp.Run(operator, chromedp.Navigate(base+"/operatore/richieste"))
		if err != nil {
			t.Fatal(err)
		}
		waitJS(operator, t, "the request in the list", fmt.Sprintf(`[...document.querySelectorAll('.list a')].some(a => a.textContent === %q)`, number))
		err = chromedp.Run(operator, chromedp.Navigate(base+"/operatore/richieste/"+number),
			chromedp.WaitVisible(`#risposta`, chromedp.ByID))
		if err != nil {
			t.Fatal(err)
		}
		waitJS(operator, t, "the attached chat", `/musica alta/.test(document.querySelector('.transcript').textContent)`)
		checkAxe(operator, t, "request page")
		screenshot(operator, t, "console-request.png")
		err = chromedp.Run(operator, chromedp.Focus(`#risposta`, chromedp.ByID),
			typeText("Per i rumori notturni può rivolgersi alla Polizia Locale al numero 0571 000 111, anche di notte."),
			chromedp.Submit(`#risposta`, chromedp.ByID))
		if err != nil {
			t.Fatal(err)
		}
		waitJS(operator, t, "answered", `/Risposta inviata/.test(document.body.textContent)`)
	})

	t.Run("the status page shows the reply, and the reply email arrives", func(t *testing.T) {
		if err := chromedp.Run(citizen, chromedp.Navigate(base+statusPath)); err != nil {
			t.Fatal(err)
		}
		waitJS(citizen, t, "reply on the status page", `/Polizia Locale al numero 0571 000 111/.test(document.body.textContent) && document.querySelector('[aria-current=step]').textContent === 'Risposta inviata'`)
		checkAxe(citizen, t, "status page")
		msgs := smtp.Wait(t, 2, 10*time.Second)
		if body := decodeQP(msgs[1].Body); !strings.Contains(body, "Polizia Locale al numero 0571 000 111") || msgs[1].To[0] != "maria.bianchi@example.it" {
			t.Errorf("reply email to %v: %q", msgs[1].To, body)
		}
	})

	t.Run("the citizen asks for her data to be erased: an admin does it", func(t *testing.T) {
		admin := browser(t)
		staffSignIn(admin, t, base, "capo")
		err := chromedp.Run(admin, chromedp.Navigate(base+"/operatore/privacy"), chromedp.WaitVisible(`#cerca`, chromedp.ByID),
			chromedp.SendKeys(`#cerca`, "Maria.Bianchi@example.it", chromedp.ByID), chromedp.Submit(`#cerca`, chromedp.ByID))
		if err != nil {
			t.Fatal(err)
		}
		waitJS(admin, t, "her request found", fmt.Sprintf(`document.body.textContent.includes(%q) && /Conversazioni: 1/.test(document.body.textContent)`, number))
		checkAxe(admin, t, "personal data page")
		err = chromedp.Run(admin, chromedp.Click(`#conferma`, chromedp.ByID), chromedp.Click(`button.danger`, chromedp.ByQuery))
		if err != nil {
			t.Fatal(err)
		}
		waitJS(admin, t, "erased", `/Dati cancellati/.test(document.body.textContent)`)
		if err := chromedp.Run(admin, chromedp.Navigate(base+"/operatore/richieste/"+number)); err != nil {
			t.Fatal(err)
		}
		waitJS(admin, t, "the request kept without her", `/dati cancellati su sua richiesta/.test(document.body.textContent) && !/Bianchi|maria\.bianchi/.test(document.body.textContent)`)
	})
}
