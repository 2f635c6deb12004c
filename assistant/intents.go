package assistant

import (
	"regexp"
	"strings"
)

// Aspect is what a question asks about a service, matched to a section.
type Aspect string

// The aspects, named after the Designers Italia service-page sections.
const (
	AspectNone      Aspect = ""
	AspectCost      Aspect = "costi"     // Quanto costa
	AspectDocuments Aspect = "documenti" // Cosa serve
	AspectTime      Aspect = "tempi"     // Tempi e scadenze
	AspectHow       Aspect = "come"      // Come fare
	AspectWho       Aspect = "chi"       // A chi è rivolto
	AspectContacts  Aspect = "contatti"  // Contatti
	AspectOnline    Aspect = "online"    // Accedi al servizio
	AspectOutcome   Aspect = "ottiene"   // Cosa si ottiene
	AspectAbout     Aspect = "descrizione"
)

// aspectCue is a pattern over folded text that reveals an aspect.
type aspectCue struct {
	aspect Aspect
	re     *regexp.Regexp
}

// Cues are tried in order; the first match wins. They look at whole
// phrases, so "quanto costa" is cost but "quanto tempo" is time.
var aspectCues = []aspectCue{
	{AspectTime, regexp.MustCompile(`\b(quanto tempo|quanti giorni|fino a quando|entro quando|da quando|quando|scadenz\w*|scade\w*|termin[ei]|tempi|tempistic\w*|entro che|data|date|a che punto|ci vuole|ci vogliono|ritardo)\b`)},
	{AspectCost, regexp.MustCompile(`\b(quanto cost\w*|cost[aoi]\w*|prezz\w*|tariff\w*|quanto si paga|quanto pago|quanto devo pagare|quanto devo|euro|soldi|gratis|gratuit\w*|a pagamento|spes[ae]|quanto viene)\b`)},
	{AspectDocuments, regexp.MustCompile(`\b(document\w*|cosa serve|cosa servono|che cosa serve|cosa occorre|occorr\w*|serv[eo]no|cosa devo portare|devo portare|allegat\w*|allegare|modul[oi]|necessari\w*)\b`)},
	{AspectContacts, regexp.MustCompile(`\b(telefon\w*|numero di telefono|numero verde|chiamare|email|e-mail|mail|pec|indirizzo|dove si trova|dove|uffici\w*|sportell\w*|contatt\w*|orari\w*|aperto|apertura|recapit\w*|a chi mi rivolgo|a chi devo rivolgermi)\b`)},
	{AspectWho, regexp.MustCompile(`\b(chi puo|chi ha diritto|ho diritto|spetta|requisit\w*|rivolto|possono|chi deve|chi paga|sono esente|esent\w*)\b`)},
	{AspectOnline, regexp.MustCompile(`\b(online|on line|on-line|internet|sito|portale|link|spid|telematic\w*)\b`)},
	{AspectOutcome, regexp.MustCompile(`\b(cosa si ottiene|cosa ricevo|cosa ottengo|cosa mi danno|rilasciat\w*)\b`)},
	{AspectHow, regexp.MustCompile(`\b(come (faccio|fare|si fa|posso|devo|si|richiedo|chiedo|presento)|procedur\w*|domanda|richiest\w*|richieder\w*|iscriver\w*|fare richiesta|modalita)\b`)},
}

// detectAspect returns the aspect a folded question asks about, and the
// cue words that revealed it (they are not content to search for).
func detectAspect(folded string) (Aspect, []string) {
	for _, c := range aspectCues {
		if m := c.re.FindString(folded); m != "" {
			return c.aspect, strings.Fields(m)
		}
	}
	return AspectNone, nil
}

// headingAspect maps a section heading to the aspect it answers.
func headingAspect(folded string) Aspect {
	switch {
	case strings.Contains(folded, "cost") || strings.Contains(folded, "tariff") || strings.Contains(folded, "prezz"):
		return AspectCost
	case strings.Contains(folded, "serve") || strings.Contains(folded, "document") || strings.Contains(folded, "occorre"):
		return AspectDocuments
	case strings.Contains(folded, "tempi") || strings.Contains(folded, "scadenz") || strings.Contains(folded, "quando"):
		return AspectTime
	case strings.Contains(folded, "contatt") || strings.Contains(folded, "dove") || strings.Contains(folded, "orari"):
		return AspectContacts
	case strings.Contains(folded, "a chi") || strings.Contains(folded, "rivolto") || strings.Contains(folded, "requisit") || strings.Contains(folded, "destinatari"):
		return AspectWho
	case strings.Contains(folded, "accedi") || strings.Contains(folded, "online"):
		return AspectOnline
	case strings.Contains(folded, "ottiene"):
		return AspectOutcome
	case strings.Contains(folded, "come fare") || strings.Contains(folded, "come si") || strings.Contains(folded, "procedura") || strings.Contains(folded, "come richiedere"):
		return AspectHow
	case strings.Contains(folded, "descrizione"):
		return AspectAbout
	}
	return AspectNone
}

// Intent is a message that needs no search.
type Intent string

// The small-talk intents and the request for a person.
const (
	IntentNone     Intent = ""
	IntentGreeting Intent = "saluto"
	IntentThanks   Intent = "ringraziamento"
	IntentGoodbye  Intent = "congedo"
	IntentPerson   Intent = "operatore"
	IntentHours    Intent = "orari"
)

// hoursRe asks when the service itself (the operators) answers: "siete
// aperti sabato?". Questions about an office's hours name the office and
// go to its scheda.
var hoursRe = regexp.MustCompile(`\b(siete (aperti|chiusi|disponibili)|a che ora (aprite|chiudete|rispondete|siete aperti)|quando (aprite|riaprite|chiudete|rispondete|siete aperti)|aprite (oggi|domani|il sabato|sabato|la domenica|domenica|il lunedi|lunedi)|orari (della chat|degli operatori|del servizio)|ci sono operatori|rispondete (oggi|domani|sabato|domenica|il sabato|la domenica|di notte))\b`)

var personRe = regexp.MustCompile(`\b(operator[ei]|operatric[ei]|persona (vera|reale|fisica|umana|in carne)|person[ae] ver[ae]|essere uman[oi]|(un|con un|con una|voglio un) uman[oa]|parlare con (qualcuno|una persona|un impiegato|un addetto|l'ufficio|un responsabile)|un addetto|impiegat[oa] del comune|assistenza umana|non un (robot|bot)|non voglio (un|il) (robot|bot|assistente virtuale)|human|real person|talk to (a|someone))\b`)

// Small-talk words: a message made only of these (and stop words) is a
// greeting, a thank-you or a goodbye.
var (
	greetingWords = wordSet("ciao salve buongiorno buonasera buonpomeriggio pomeriggio buon giorno sera hey ehi ehila hello hi hola eccomi qualcuno ce c'e pronto")
	thanksWords   = wordSet("grazie grazi mille tante infinite ringrazio ringraziamo gentile gentilissimo gentilissima gentilissimi perfetto ottimo ok okay va bene chiaro capito thanks thank you utile")
	goodbyeWords  = wordSet("arrivederci arrivederla addio saluti cordiali distinti buona giornata serata notte presto risentirci bye ciao")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// detectIntent classifies a message as small talk or as a request for a
// person. words are the folded surface words of the message.
func (a *Analyzer) detectIntent(folded string, words []Word) Intent {
	if personRe.MatchString(folded) {
		return IntentPerson
	}
	var greet, thanks, bye, other int
	for _, w := range words {
		s := w.Surface
		switch {
		case thanksWords[s]:
			thanks++
		case goodbyeWords[s] && s != "ciao":
			bye++
		case greetingWords[s]:
			greet++
		case a.stop[s]:
		default:
			other++
		}
	}
	switch {
	case other > 0:
		return IntentNone
	case bye > 0:
		return IntentGoodbye
	case thanks > 0:
		return IntentThanks
	case greet > 0:
		return IntentGreeting
	}
	return IntentNone
}

// fillers are words citizens wrap questions in; they say nothing about
// which service is meant, so they do not count as unmatched content.
var fillers = wordSet(`buongiorno buonasera salve ciao gentilmente cortesemente cortesia favore piacere
scusate scusi scusa salve vorrei volevo vorremmo volevamo sapere chiedere informazione informazioni info
avere avrei bisogno aiuto aiutare aiutarmi potete potreste potrebbe puo possibile grazie mille devo dovrei
posso potrei bisogna sarebbe vorei volevamo domandare comune cittadino cittadina signora signore
ok okay allora quindi praticamente tipo cioe insomma comunque ecco niente qualcosa cosa fare faccio
dire dirmi sapermi spiegare spiegarmi capire capito indicare indicarmi mi ti ci si vi ne gia ancora sempre
mai adesso ora oggi domani ieri magari forse per caso esattamente precisamente urgente urgenza
voglio vogliamo vuole vogliono vuoi chiedo chiede chiediamo chiedevo sapevo saperne dobbiamo devono deve
possiamo puoi possono riesco riusciamo ditemi dimmi spiegatemi scusatemi salve gentili`)

// aspectWords say which section a question is about, not which service:
// they weigh little in choosing the card ("quanto costa", "che documenti").
var aspectWords = wordSet(`quanto costa costano costo costi prezzo prezzi tariffa tariffe euro soldi gratis gratuito gratuita
quando fino scadenza scadenze scade scadono termine termini tempi tempo tempistiche giorni data date entro
documenti documento serve servono occorre occorrono necessario necessari necessaria necessarie allegare allegati modulo moduli
telefono numero chiamare contatti contatto contattare orari orario ufficio uffici sportello dove indirizzo email mail
requisiti diritto spetta rivolto possono procedura domanda richiesta richiedere ottiene ottengo ricevo`)
