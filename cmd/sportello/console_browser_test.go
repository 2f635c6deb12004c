package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sportello/sportello/handoff"
)

// startAt runs the demo whose desk lives at `at` (then runs on in real
// time), with an operator account "mario" and a short presence timeout.
func startAt(t *testing.T, at time.Time, tweaks ...func(*Config)) string {
	return startWith(t, at, nil, tweaks...)
}

// startWith is startAt with a chance to fill the store before the start.
func startWith(t *testing.T, at time.Time, seed func(*handoff.Store), tweaks ...func(*Config)) string {
	t.Helper()
	cfg := DefaultConfig()
	for _, f := range tweaks {
		f(&cfg)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Data = t.TempDir()
	cfg.Operators.PresenceTimeoutSeconds = 2
	store, err := handoff.Open(filepath.Join(cfg.Data, "sportello.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := handoff.NewAccounts(store).AddUser(context.Background(), "mario", "Mario Rossi", handoff.StaffOperatore, "password-di-prova"); err != nil {
		t.Fatal(err)
	}
	if _, err := handoff.NewAccounts(store).AddUser(context.Background(), "rita", "Rita Bianchi", handoff.StaffRedattore, "password-di-prova"); err != nil {
		t.Fatal(err)
	}
	if _, err := handoff.NewAccounts(store).AddUser(context.Background(), "capo", "Capo URP", handoff.StaffAdmin, "password-di-prova"); err != nil {
		t.Fatal(err)
	}
	if seed != nil {
		seed(store)
	}
	store.Close()
	m := NewMain(cfg, io.Discard)
	start := time.Now()
	m.Now = func() time.Time { return at.Add(time.Since(start)) }
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return "http://" + m.Addr()
}

// waitJS polls until a JS condition on the page holds.
func waitJS(ctx context.Context, t *testing.T, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`!!(`+cond+`)`, &ok)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	var status string
	chromedp.Run(ctx, chromedp.Evaluate(`(document.getElementById('conn') || {}).textContent || ''`, &status))
	t.Fatalf("timed out waiting for: %s (console says %q)", what, status)
}

// staffSignIn signs a member of staff in through the login page (every
// test account's password is "password-di-prova").
func staffSignIn(ctx context.Context, t *testing.T, base, name string) {
	t.Helper()
	err := chromedp.Run(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/operatore/login"),
		chromedp.WaitVisible(`#nome`, chromedp.ByID), chromedp.SendKeys(`#nome`, name, chromedp.ByID),
		chromedp.SendKeys(`#password`, "password-di-prova", chromedp.ByID), chromedp.Submit(`#password`, chromedp.ByID))
	if err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "signed in", `location.pathname !== '/operatore/login'`)
}

func operatorLogin(ctx context.Context, t *testing.T, base string) {
	t.Helper()
	err := chromedp.Run(ctx, chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/operatore"),
		chromedp.WaitVisible(`#nome`, chromedp.ByID),
		chromedp.SendKeys(`#nome`, "mario", chromedp.ByID),
		chromedp.SendKeys(`#password`, "password-di-prova", chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "console connected", `document.getElementById('conn') && document.getElementById('conn').textContent === 'Collegato.'`)
}

func citizenAsks(ctx context.Context, t *testing.T, base, question string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	waitShadow(ctx, t, "launcher", `root.querySelector('.sp-launcher')`)
	err := chromedp.Run(ctx, inShadow(`root.querySelector('.sp-launcher').click()`, nil),
		inShadow(`root.querySelector('.sp-input').focus()`, nil), typeText(question), chromedp.KeyEvent(kb.Enter))
	if err != nil {
		t.Fatal(err)
	}
}

func TestOperatorConsoleInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	base := startAt(t, time.Date(2026, 11, 24, 10, 0, 0, 0, handoff.Rome()))
	// Two browsers with their own profiles: the citizen and the operator
	// share nothing, as on two machines.
	citizen := browser(t)
	operator, cancelOp := context.WithCancel(browser(t))
	defer cancelOp()
	operatorLogin(operator, t, base)

	citizenAsks(citizen, t, base, "il mio vicino di casa tiene la musica alta di notte, cosa posso fare?")
	waitShadow(citizen, t, "queue position shown", `!root.querySelector('.sp-qbar').hidden && /primo in coda/.test(root.querySelector('.sp-qbar').textContent)`)

	waitJS(operator, t, "the tab's title counts the waiting chat", `/^\(1 in coda\)/.test(document.title)`)
	waitJS(operator, t, "the chat in the queue with its question and reason", `document.querySelector('#queue .item') && /musica alta/.test(document.querySelector('#queue .item').textContent) && /nessuna scheda adatta/.test(document.querySelector('#queue .item').textContent)`)
	if err := chromedp.Run(operator, chromedp.Click(`#queue .item .btn-ghost`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(operator, t, "the chat read before picking it up", `[...document.querySelectorAll('#queue .peek .msg-citizen')].some(e => /musica alta/.test(e.textContent))`)
	checkAxe(operator, t, "the queue with a chat open for reading")
	screenshot(operator, t, "console-queue.png")
	if err := chromedp.Run(operator, chromedp.Click(`#queue .item .btn:not(.btn-ghost)`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(operator, t, "chat open", `document.querySelector('.pane:not([hidden]) .log .msg-citizen')`)
	waitShadow(citizen, t, "operator joined", `[...root.querySelectorAll('.sp-system')].some(e => /Mario Rossi si \u00e8 unito/.test(e.textContent)) && root.querySelector('.sp-qbar').hidden`)

	t.Run("messages both ways, live", func(t *testing.T) {
		err := chromedp.Run(operator, chromedp.Focus(`.pane:not([hidden]) textarea`, chromedp.ByQuery),
			typeText("Buongiorno, può rivolgersi alla Polizia Locale: <b>numero</b> 0571 000 000."))
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "operator typing", `root.querySelector('.sp-typing') && /Mario Rossi sta scrivendo/.test(root.querySelector('.sp-typing').textContent)`)
		if err := chromedp.Run(operator, chromedp.Click(`.pane:not([hidden]) .reply button[type=submit]`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "operator's message, as text, with the name", `[...root.querySelectorAll('.sp-operator')].some(e => /Mario Rossi/.test(e.textContent) && /<b>numero<\/b>/.test(e.textContent)) && !root.querySelector('.sp-operator b')`)
		if err := chromedp.Run(citizen, inShadow(`root.querySelector('.sp-input').focus()`, nil), typeText("Grazie. Un'altra cosa: come si paga la TARI?")); err != nil {
			t.Fatal(err)
		}
		waitJS(operator, t, "citizen typing", `!document.querySelector('.pane:not([hidden]) .typing').hidden`)
		if err := chromedp.Run(citizen, chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		waitJS(operator, t, "citizen's message", `[...document.querySelectorAll('.pane:not([hidden]) .msg-citizen')].some(e => /come si paga la TARI/.test(e.textContent))`)
		var assistantAfter bool
		time.Sleep(300 * time.Millisecond)
		chromedp.Run(citizen, inShadow(`(() => { const m = [...root.querySelectorAll('.sp-msg[data-seq]')]; return m[m.length-1].classList.contains('sp-assistant'); })()`, &assistantAfter))
		if assistantAfter {
			t.Error("the assistant answered while the operator held the chat")
		}
		waitJS(operator, t, "the TARI scheda suggested", `[...document.querySelectorAll('.pane:not([hidden]) .suggestion .sg-card')].some(e => /TARI/.test(e.textContent))`)
		if err := chromedp.Run(operator, chromedp.Click(`.pane:not([hidden]) .suggestion button`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		waitJS(operator, t, "the section inserted in the reply box", `document.querySelector('.pane:not([hidden]) textarea').value.length > 40`)
		screenshot(operator, t, "console-chat.png")
	})

	t.Run("accessibility of the console: axe-core WCAG 2.1 AA", func(t *testing.T) { checkAxe(operator, t, "console") })

	t.Run("operator closes", func(t *testing.T) {
		if err := chromedp.Run(operator, chromedp.Click(`.pane:not([hidden]) .tools form:last-child button`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "closing message", `[...root.querySelectorAll('.sp-system')].some(e => /ha chiuso la conversazione/.test(e.textContent))`)
		// The citizen asks for the transcript by email.
		if err := chromedp.Run(citizen, inShadow(`[...root.querySelectorAll('.sp-system .sp-offer')].pop().click()`, nil)); err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "the transcript form", `root.querySelector('.sp-tform input[type=email]')`)
		err := chromedp.Run(citizen, inShadow(`root.querySelector('.sp-tform input[type=email]').focus()`, nil), typeText("maria@example.it"),
			inShadow(`root.querySelector('.sp-tform input[type=checkbox]').click()`, nil), inShadow(`root.querySelector('.sp-tform button').click()`, nil))
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "transcript on its way", `[...root.querySelectorAll('.sp-system .sp-p')].some(e => /riceverai la conversazione a maria@example.it/.test(e.textContent))`)
		waitJS(operator, t, "chat gone from the console", `!document.querySelector('.pane')`)
	})

	t.Run("the operator's tab closes mid-chat: the chat returns to the queue", func(t *testing.T) {
		if err := chromedp.Run(citizen, inShadow(`root.querySelector('.sp-input').focus()`, nil), typeText("voglio parlare con una persona vera"), chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		waitJS(operator, t, "the chat queued again", `document.querySelector('#queue .item button')`)
		if err := chromedp.Run(operator, chromedp.Click(`#queue .item .btn:not(.btn-ghost)`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		waitShadow(citizen, t, "operator joined again", `[...root.querySelectorAll('.sp-system')].filter(e => /si \u00e8 unito/.test(e.textContent)).length === 2`)
		cancelOp() // the operator's browser goes away
		waitShadow(citizen, t, "back at the head of the queue", `[...root.querySelectorAll('.sp-system')].some(e => /di nuovo in cima alla coda/.test(e.textContent))`)
	})
}

func TestClosedOfficeOffersAWrittenRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	sunday := time.Date(2026, 11, 29, 11, 0, 0, 0, handoff.Rome())
	base := startAt(t, sunday)
	ctx := browser(t)
	citizenAsks(ctx, t, base, "il mio vicino di casa tiene la musica alta di notte, cosa posso fare?")
	waitShadow(ctx, t, "closed-office offer with the reopening time", fmt.Sprintf(`[...root.querySelectorAll('.sp-system')].some(e => /ufficio \u00e8 chiuso/.test(e.textContent) && /%s/.test(e.textContent) && /richiesta scritta/.test(e.textContent))`, "Riapriamo domani alle 8:00"))
	var queued bool
	chromedp.Run(ctx, inShadow(`!root.querySelector('.sp-qbar').hidden`, &queued))
	if queued {
		t.Error("the citizen was put in a queue with the office closed")
	}
}

// checkAxe runs axe-core's WCAG 2.1 AA rules on the page and reports
// every violation.
func checkAxe(ctx context.Context, t *testing.T, page string) {
	t.Helper()
	var violations []struct {
		ID    string
		Help  string
		Nodes []struct{ Target []any }
	}
	err := chromedp.Run(ctx, chromedp.Evaluate(axeSource(t), nil), chromedp.Evaluate(`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}}).then(r => r.violations)`, &violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Errorf("%s: %s %s: %v", page, v.ID, v.Help, v.Nodes)
	}
}
