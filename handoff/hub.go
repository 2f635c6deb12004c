package handoff

import "sync"

// Event is pushed to a conversation's live listeners: a new message, or
// something happening around it (an operator joined, typing, queue
// position).
type Event struct {
	// Type is "message" or "event" for everyone; consoles also get
	// "queue" (the queue or the operators changed), "assigned" and
	// "released" (a chat became or stopped being theirs).
	Type string `json:"type"`
	// Conversation names the chat on operator topics.
	Conversation string   `json:"conversation,omitempty"`
	Message      *Message `json:"message,omitempty"`
	Event        *Notice  `json:"event,omitempty"`
}

// Notice is a non-message event.
type Notice struct {
	Kind     string `json:"kind"`
	Text     string `json:"text,omitempty"`
	Position int    `json:"position,omitempty"`
	// Wait is the estimated wait in minutes, with Position.
	Wait int `json:"wait_minutes,omitempty"`
	// Who is the operator's display name (joined, typing).
	Who string `json:"who,omitempty"`
}

// Hub fans events out to the listeners of each conversation. A listener
// too slow to keep up is dropped (its channel closed): it reconnects and
// resumes from its last seq, so nothing is lost.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[*Subscription]struct{}
}

// Subscription receives a conversation's events on C.
type Subscription struct {
	C      chan Event
	convID string
	closed bool
	// signal subscriptions only need to know that something changed:
	// when one event is already waiting, more are skipped, never dropped.
	signal bool
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[*Subscription]struct{}{}} }

// Subscribe starts listening to a conversation.
func (h *Hub) Subscribe(convID string) *Subscription {
	return h.subscribe(&Subscription{C: make(chan Event, 32), convID: convID})
}

// SubscribeN listens with room for n pending events: an operator's
// console follows many chats at once.
func (h *Hub) SubscribeN(topic string, n int) *Subscription {
	return h.subscribe(&Subscription{C: make(chan Event, n), convID: topic})
}

// SubscribeSignal listens to a topic whose events only say "changed"
// (the desk): bursts coalesce into one pending event.
func (h *Hub) SubscribeSignal(topic string) *Subscription {
	return h.subscribe(&Subscription{C: make(chan Event, 1), convID: topic, signal: true})
}

func (h *Hub) subscribe(s *Subscription) *Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[s.convID] == nil {
		h.subs[s.convID] = map[*Subscription]struct{}{}
	}
	h.subs[s.convID][s] = struct{}{}
	return s
}

// Unsubscribe stops a subscription; it is safe to call twice.
func (h *Hub) Unsubscribe(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(s)
}

func (h *Hub) drop(s *Subscription) {
	if s.closed {
		return
	}
	s.closed = true
	close(s.C)
	delete(h.subs[s.convID], s)
	if len(h.subs[s.convID]) == 0 {
		delete(h.subs, s.convID)
	}
}

// Publish sends an event to every listener of a conversation.
func (h *Hub) Publish(convID string, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[convID] {
		select {
		case s.C <- e:
		default:
			if !s.signal {
				h.drop(s)
			}
		}
	}
}
