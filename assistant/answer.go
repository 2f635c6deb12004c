package assistant

import "github.com/sportello/sportello/schede"

// Decision is what the assistant does with a question.
type Decision string

// The decisions. SmallTalk replies to greetings, thanks and goodbyes
// without searching.
const (
	DecisionAnswer    Decision = "answer"
	DecisionClarify   Decision = "clarify"
	DecisionHandoff   Decision = "handoff"
	DecisionSmallTalk Decision = "smalltalk"
)

// Reason says why a question is handed to a person.
type Reason string

// The handoff reasons the assistant knows of; the handoff package adds
// its own (office closed, nobody online, ...).
const (
	ReasonAskedPerson   Reason = "asked_person"
	ReasonNoMatch       Reason = "no_match"
	ReasonLowConfidence Reason = "low_confidence"
	ReasonNotUnderstood Reason = "not_understood"
)

// CardRef names a card in an answer or among clarify options.
type CardRef struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Link        string `json:"link,omitempty"`
}

// SectionRef is the section given as an answer.
type SectionRef struct {
	Heading string `json:"heading"`
	Slug    string `json:"slug"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
}

// Ranked is one card of the ranking behind an answer, best first.
type Ranked struct {
	CardID   string  `json:"id"`
	Score    float64 `json:"score"`
	Coverage float64 `json:"coverage"`
	// plain is the score before the bank's nearest questions lift it.
	plain float64
}

// Answer is the assistant's reply to one question.
type Answer struct {
	Decision Decision `json:"decision"`
	Reason   Reason   `json:"reason,omitempty"`
	Intent   Intent   `json:"intent,omitempty"`
	Aspect   Aspect   `json:"aspect,omitempty"`
	// Text is the reply as plain text: the section's text for an answer,
	// a sentence otherwise.
	Text       string      `json:"text"`
	Card       *CardRef    `json:"card,omitempty"`
	Summary    string      `json:"summary,omitempty"`
	Section    *SectionRef `json:"section,omitempty"`
	Options    []CardRef   `json:"options,omitempty"`
	Confidence float64     `json:"confidence"`
	// FollowUp is true when the question was answered from the card
	// already under discussion.
	FollowUp bool     `json:"follow_up,omitempty"`
	Ranked   []Ranked `json:"-"`

	features [nFeatures]float64
}

// Context is what the assistant remembers of a conversation between two
// questions: the card under discussion and the aspect last asked about.
type Context struct {
	CardID string `json:"card_id,omitempty"`
	Aspect Aspect `json:"aspect,omitempty"`
}

// Next returns the context after this answer.
func (a Answer) Next(prev Context) Context {
	if a.Decision == DecisionAnswer && a.Card != nil {
		return Context{CardID: a.Card.ID, Aspect: a.Aspect}
	}
	return prev
}

func cardRef(c *schede.Card) CardRef {
	return CardRef{ID: c.ID, Title: c.Title, Description: c.Description, Link: c.Link}
}
