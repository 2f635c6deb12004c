package handoff

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello"
)

// fakeAnswerer answers every question with the decision it is given and
// counts the calls.
type fakeAnswerer struct {
	decision, reason string
	calls            atomic.Int32
}

func (f *fakeAnswerer) Answer(ctx context.Context, text string, _ json.RawMessage, _ string) (Reply, error) {
	f.calls.Add(1)
	return Reply{Text: "risposta a " + text, Decision: f.decision, Reason: f.reason, Card: "TARI", Confidence: 0.3,
		Data: json.RawMessage(`{"decision":"` + f.decision + `"}`)}, nil
}

// fakeClock is a settable fakeClock for the desk and the store.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// tuesdayMorning is an instant the demo office is open.
var tuesdayMorning = time.Date(2026, 11, 24, 10, 0, 0, 0, romeLoc)

type deskFixture struct {
	store     *Store
	hub       *Hub
	desk      *Desk
	chat      *Chat
	ans       *fakeAnswerer
	fakeClock *fakeClock
}

func newDesk(t *testing.T, at time.Time) *deskFixture {
	t.Helper()
	s, _ := openStore(t)
	clk := &fakeClock{t: at}
	s.Now = clk.Now
	hub := NewHub()
	d := NewDesk(s, hub, DefaultCalendar(), nil)
	d.Now = clk.Now
	ans := &fakeAnswerer{decision: "answer"}
	return &deskFixture{store: s, hub: hub, desk: d, chat: &Chat{Store: s, Desk: d, Answerer: ans}, ans: ans, fakeClock: clk}
}

func (f *deskFixture) conv(t *testing.T) Conversation {
	t.Helper()
	c, _, err := f.store.CreateConversation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// escalated sends a question the assistant hands over and returns the
// conversation.
func (f *deskFixture) escalated(t *testing.T) Conversation {
	t.Helper()
	c := f.conv(t)
	f.ans.decision, f.ans.reason = "handoff", "no_match"
	defer func() { f.ans.decision, f.ans.reason = "answer", "" }()
	if _, err := f.chat.Send(context.Background(), c, "devo parlare del mio caso", "", ""); err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *deskFixture) online(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		f.desk.Connect(context.Background(), n, strings.ToUpper(n[:1])+n[1:])
	}
}

func lastMessage(t *testing.T, s *Store, convID string) Message {
	t.Helper()
	ms, err := s.Messages(context.Background(), convID, 0, 1000)
	if err != nil || len(ms) == 0 {
		t.Fatalf("messages: %v %d", err, len(ms))
	}
	return ms[len(ms)-1]
}

func TestEscalationByOfficeState(t *testing.T) {
	sunday := time.Date(2026, 11, 29, 11, 0, 0, 0, romeLoc)
	tests := []struct {
		name        string
		at          time.Time
		online      bool
		wantState   State
		wantReasons []Reason
		wantText    string
		wantOffer   string
	}{
		{"open with an operator: the queue", tuesdayMorning, true, StateQueued, []Reason{ReasonNoMatch}, "Sei il primo in coda", ""},
		{"open but nobody online: a written request", tuesdayMorning, false, StateAssistant, []Reason{ReasonNoMatch, ReasonNobodyOnline}, "nessun operatore è disponibile", "ticket"},
		{"closed: a written request and when we reopen", sunday, true, StateAssistant, []Reason{ReasonNoMatch, ReasonClosed}, "Riapriamo domani alle 8:00", "ticket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDesk(t, tt.at)
			if tt.online {
				f.online(t, "mario")
			}
			c := f.escalated(t)
			got, err := f.store.Conversation(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tt.wantState {
				t.Errorf("state = %q, want %q", got.State, tt.wantState)
			}
			var reasons []Reason
			for _, e := range got.Escalations {
				reasons = append(reasons, e.Reason)
			}
			if strings.Join(toStrings(reasons), ",") != strings.Join(toStrings(tt.wantReasons), ",") {
				t.Errorf("reasons = %v, want %v", reasons, tt.wantReasons)
			}
			m := lastMessage(t, f.store, c.ID)
			if m.Role != RoleSystem || !strings.Contains(m.Text, tt.wantText) || m.Offer != tt.wantOffer {
				t.Errorf("last message = %+v, want system text with %q, offer %q", m, tt.wantText, tt.wantOffer)
			}
			if e := got.Escalations[0]; e.Question != "devo parlare del mio caso" || e.Card != "TARI" || e.Confidence != 0.3 {
				t.Errorf("escalation = %+v, want the question, the closest card and its confidence", e)
			}
		})
	}
}

func toStrings(rs []Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func TestQueuePositionsAreTold(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "mario")
	first := f.escalated(t)
	sub := f.hub.Subscribe(first.ID)
	defer f.hub.Unsubscribe(sub)
	second := f.escalated(t)
	if got := lastMessage(t, f.store, second.ID).Text; !strings.Contains(got, "Sei il numero 2 in coda") {
		t.Errorf("second told %q, want position 2", got)
	}
	if err := f.desk.Leave(context.Background(), second.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Pickup(context.Background(), "mario", first.ID); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for len(sub.C) > 0 {
		ev := <-sub.C
		if ev.Event != nil {
			kinds = append(kinds, ev.Event.Kind)
		}
	}
	if want := "queue_position,queue_position,operator_joined"; strings.Join(kinds, ",") != want {
		t.Errorf("first citizen's events = %v, want %s", kinds, want)
	}
	if st, _ := f.desk.Live(second.ID); st != StateAssistant {
		t.Errorf("after leaving, state = %q", st)
	}
}

func TestPickupRace(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "anna", "mario")
	c := f.escalated(t)
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op := []string{"anna", "mario"}[i%2]
			err := f.desk.Pickup(context.Background(), op, c.ID)
			switch {
			case err == nil:
				wins.Add(1)
			case sportello.ErrorCode(err) == sportello.ECONFLICT:
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// The winner's own repeats succeed too (idempotent); what matters is
	// that exactly one operator holds it and only one join was written.
	_, holder := f.desk.Live(c.ID)
	ms, _ := f.store.Messages(context.Background(), c.ID, 0, 100)
	joins := 0
	for _, m := range ms {
		if strings.Contains(m.Text, "si è unito") {
			joins++
		}
	}
	if holder == "" || joins != 1 || conflicts.Load() != 10 {
		t.Errorf("holder %q, joins %d, conflicts %d: want one holder, one join, the other operator's 10 clicks refused", holder, joins, conflicts.Load())
	}
}

func TestMaxChatsPerOperator(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.desk.MaxChats = 2
	f.online(t, "mario")
	for i := range 3 {
		c := f.escalated(t)
		err := f.desk.Pickup(context.Background(), "mario", c.ID)
		if got, want := sportello.ErrorCode(err), map[bool]string{true: "", false: sportello.ECONFLICT}[i < 2]; got != want {
			t.Errorf("pickup %d: code %q, want %q", i+1, got, want)
		}
	}
}

func TestAssistantIsSilentOnceAnOperatorHoldsTheChat(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "mario")
	c := f.escalated(t)
	if err := f.desk.Pickup(context.Background(), "mario", c.ID); err != nil {
		t.Fatal(err)
	}
	before := f.ans.calls.Load()
	msgs, err := f.chat.Send(context.Background(), c, "ci sei?", "k1", "")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("send while held: %v, %d messages (want only the citizen's)", err, len(msgs))
	}
	if f.ans.calls.Load() != before {
		t.Error("the assistant was asked while an operator held the chat")
	}
	m, err := f.desk.OperatorSend(context.Background(), "mario", c.ID, "Buongiorno, mi dica.", "op1")
	if err != nil || m.Role != RoleOperator || m.Author != "Mario" {
		t.Fatalf("operator send: %+v %v", m, err)
	}
	if _, err := f.desk.OperatorSend(context.Background(), "anna", c.ID, "intrusa", ""); sportello.ErrorCode(err) != sportello.ECONFLICT {
		t.Errorf("another operator wrote in a chat not theirs: %v", err)
	}
	if err := f.desk.Close(context.Background(), "mario", c.ID, "risolta"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.chat.Send(context.Background(), c, "un'altra domanda", "k2", ""); err != nil {
		t.Fatal(err)
	}
	if f.ans.calls.Load() != before+1 {
		t.Error("after closing, the assistant did not answer again")
	}
}

func TestOperatorWhoDisappearsGivesChatsBack(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	release := f.desk.Connect(context.Background(), "mario", "Mario")
	f.online(t, "anna")
	held := f.escalated(t)
	waiting := f.escalated(t)
	if err := f.desk.Pickup(context.Background(), "mario", held.ID); err != nil {
		t.Fatal(err)
	}
	release() // the tab closed
	f.fakeClock.Add(30 * time.Second)
	f.desk.Heartbeat("anna")
	f.desk.Sweep(context.Background())
	if st, op := f.desk.Live(held.ID); st != StateAssigned || op != "mario" {
		t.Fatalf("after 30 s the chat is %q/%q: a reload must not lose it", st, op)
	}
	f.fakeClock.Add(20 * time.Second)
	f.desk.Heartbeat("anna")
	f.desk.Sweep(context.Background())
	snap := f.desk.Snapshot()
	if len(snap.Queue) != 2 || snap.Queue[0].Conversation != held.ID || snap.Queue[1].Conversation != waiting.ID {
		t.Fatalf("queue = %+v, want the returned chat at the head", snap.Queue)
	}
	if !strings.Contains(snap.Queue[0].Note, "Mario non risponde più") {
		t.Errorf("note = %q", snap.Queue[0].Note)
	}
	if m := lastMessage(t, f.store, held.ID); !strings.Contains(m.Text, "sei di nuovo in cima alla coda") {
		t.Errorf("citizen told %q", m.Text)
	}
	for _, o := range snap.Operators {
		if o.Name == "mario" && o.Status != Offline {
			t.Errorf("mario is %s", o.Status)
		}
	}
}

func TestWaitingTooLongOffersARequest(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "mario")
	c := f.escalated(t)
	f.fakeClock.Add(4 * time.Minute)
	f.desk.Heartbeat("mario")
	f.desk.Sweep(context.Background())
	if m := lastMessage(t, f.store, c.ID); m.Offer != "" {
		t.Fatalf("offered a request after 4 minutes: %q", m.Text)
	}
	f.fakeClock.Add(90 * time.Second)
	f.desk.Heartbeat("mario")
	f.desk.Sweep(context.Background())
	m := lastMessage(t, f.store, c.ID)
	if m.Offer != "ticket" {
		t.Fatalf("after 5.5 minutes, last message %q has no offer", m.Text)
	}
	got, _ := f.store.Conversation(context.Background(), c.ID)
	if last := got.Escalations[len(got.Escalations)-1]; last.Reason != ReasonQueueTimeout {
		t.Errorf("reason = %q", last.Reason)
	}
	if st, _ := f.desk.Live(c.ID); st != StateQueued {
		t.Errorf("the chat left the queue (%q): the citizen may keep waiting", st)
	}
	f.desk.Sweep(context.Background())
	if n := len(mustConv(t, f.store, c.ID).Escalations); n != len(got.Escalations) {
		t.Error("the offer was made twice")
	}
}

func mustConv(t *testing.T, s *Store, id string) Conversation {
	t.Helper()
	c, err := s.Conversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTwoUnhelpfulAnswersEscalate(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "mario")
	c := f.conv(t)
	var seqs []uint64
	for _, q := range []string{"quanto costa la mensa", "e per il secondo figlio"} {
		msgs, err := f.chat.Send(context.Background(), c, q, "", "")
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, msgs[1].Seq)
	}
	if _, err := f.chat.Feedback(context.Background(), c, seqs[0], false); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.desk.Live(c.ID); st != StateAssistant {
		t.Fatal("one unhelpful answer escalated")
	}
	if _, err := f.chat.Feedback(context.Background(), c, seqs[1], false); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.desk.Live(c.ID); st != StateQueued {
		t.Fatalf("state after two unhelpful answers = %q", st)
	}
	e := mustConv(t, f.store, c.ID).Escalations[0]
	if e.Reason != ReasonNegativeFeedback || e.Question != "e per il secondo figlio" {
		t.Errorf("escalation = %+v", e)
	}
}

func TestAskPersonEscalatesWithTheLastQuestion(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "mario")
	c := f.conv(t)
	if _, err := f.chat.Send(context.Background(), c, "come pago la tari", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.chat.AskPerson(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	conv := mustConv(t, f.store, c.ID)
	if conv.State != StateQueued || conv.Escalations[0].Reason != ReasonAskedPerson || conv.Escalations[0].Question != "come pago la tari" {
		t.Errorf("conversation = %+v", conv)
	}
	if err := f.chat.AskPerson(context.Background(), c); err != nil || len(mustConv(t, f.store, c.ID).Escalations) != 1 {
		t.Errorf("asking twice escalated twice: %v", err)
	}
}

func TestTransfer(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "anna", "mario")
	c := f.escalated(t)
	if err := f.desk.Pickup(context.Background(), "mario", c.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Transfer(context.Background(), "mario", "luca", c.ID, ""); sportello.ErrorCode(err) != sportello.ECONFLICT {
		t.Errorf("transfer to an unknown operator: %v", err)
	}
	if err := f.desk.Transfer(context.Background(), "mario", "anna", c.ID, "chiede dei tributi"); err != nil {
		t.Fatal(err)
	}
	if _, op := f.desk.Live(c.ID); op != "anna" {
		t.Errorf("holder = %q", op)
	}
	ms, _ := f.store.Messages(context.Background(), c.ID, 0, 100)
	var internal, public string
	for _, m := range ms {
		if m.Internal {
			internal = m.Text
		} else {
			public = m.Text
		}
	}
	if !strings.Contains(internal, "chiede dei tributi") || !strings.Contains(public, "Ti passo a un collega: Anna") {
		t.Errorf("internal %q, public %q", internal, public)
	}
	if err := f.desk.Close(context.Background(), "mario", c.ID, "risolta"); sportello.ErrorCode(err) != sportello.ECONFLICT {
		t.Errorf("the previous holder closed the chat: %v", err)
	}
}

func TestAutoAssignGoesToTheLeastBusy(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.desk.AutoAssign = true
	f.online(t, "anna", "mario")
	var got []string
	for range 4 {
		c := f.escalated(t)
		_, op := f.desk.Live(c.ID)
		got = append(got, op)
	}
	if want := "anna,mario,anna,mario"; strings.Join(got, ",") != want {
		t.Errorf("assigned to %v, want %s", got, want)
	}
}

func TestRestoreAfterRestart(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "mario")
	a := f.escalated(t)
	f.fakeClock.Add(time.Second)
	b := f.escalated(t)
	f.fakeClock.Add(time.Second)
	held := f.escalated(t)
	if err := f.desk.Pickup(context.Background(), "mario", held.ID); err != nil {
		t.Fatal(err)
	}
	d := NewDesk(f.store, f.hub, DefaultCalendar(), nil)
	d.Now = f.fakeClock.Now
	if err := d.Restore(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap := d.Snapshot()
	if len(snap.Queue) != 2 || snap.Queue[0].Conversation != a.ID || snap.Queue[1].Conversation != b.ID {
		t.Errorf("restored queue = %+v", snap.Queue)
	}
	if st, op := d.Live(held.ID); st != StateAssigned || op != "mario" {
		t.Errorf("held chat restored as %q/%q", st, op)
	}
	f.fakeClock.Add(time.Minute)
	d.Sweep(context.Background())
	if st, _ := d.Live(held.ID); st != StateQueued {
		t.Errorf("operator never came back, chat is %q", st)
	}
}

var romeLoc = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return l
}()

func TestSilentConsoleCountsAsGone(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	f.online(t, "mario") // a console stays open but stops beating
	c := f.escalated(t)
	if err := f.desk.Pickup(context.Background(), "mario", c.ID); err != nil {
		t.Fatal(err)
	}
	f.fakeClock.Add(40 * time.Second)
	f.desk.Sweep(context.Background())
	if st, _ := f.desk.Live(c.ID); st != StateAssigned {
		t.Fatalf("after 40 s of silence the chat is %q", st)
	}
	f.fakeClock.Add(10 * time.Second)
	f.desk.Sweep(context.Background())
	if st, _ := f.desk.Live(c.ID); st != StateQueued {
		t.Errorf("after 50 s of silence the chat is %q, want back in the queue", st)
	}
}
