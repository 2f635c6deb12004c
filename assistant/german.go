package assistant

// German for bilingual comuni. In Alto Adige / Südtirol every comune
// serves its citizens in German and Italian, and its schede carry German
// names and summaries beside the Italian text; a citizen who writes
// "wo melde ich meinen Wohnsitz an?" asks the same as "dove prendo la
// residenza?". The analysis stays Italian (German words are folded and
// stemmed the same way on both sides, so a German word of a scheda still
// meets itself); what German needs besides is to leave out its function
// words and to reach the Italian words of the schede through a lexicon
// of the words of public services. Both apply only where the schede are
// bilingual: elsewhere a German message is a tourist's question about
// something else, and stays handed off as before.

// germanFunctionWords are German words that say nothing of the service:
// articles, pronouns, auxiliaries, prepositions, question words. Words
// that are also Italian ("so", "da", "bei", "ab") are not here.
var germanFunctionWords = []string{
	"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
	"ich", "du", "er", "sie", "es", "wir", "ihr", "ihnen", "mich", "mir", "dich", "dir", "uns", "euch", "sich", "man",
	"mein", "meine", "meinen", "meinem", "meiner", "dein", "deine", "sein", "seine", "unser", "unsere", "euer", "eure",
	"und", "oder", "aber", "wenn", "dass", "weil", "ob", "als", "auch", "noch", "schon", "nur", "nicht", "kein", "keine", "keinen",
	"ist", "sind", "bin", "bist", "war", "waren", "wird", "werden", "wurde", "hat", "habe", "haben", "hast", "hatte",
	"kann", "kannst", "konnen", "können", "muss", "musst", "mussen", "müssen", "soll", "sollen", "darf", "durfen", "dürfen", "will", "wollen", "mochte", "möchte", "brauche", "brauchen",
	"wie", "was", "wo", "wann", "warum", "wer", "wen", "wem", "welche", "welcher", "welches", "wieviel", "wohin", "woher",
	"mit", "von", "vom", "zu", "zum", "zur", "fur", "für", "auf", "aus", "nach", "im", "am", "an", "um", "uber", "über", "unter", "vor", "ohne", "gegen", "beim",
	"hier", "dort", "jetzt", "heute", "morgen", "bitte", "danke", "ja", "nein", "gibt", "geht", "mache", "machen", "tun",
	"hallo", "gruss", "grüß", "gott", "servus", "guten", "tag",
}

// germanEquivalents pair the words of public services in German, as
// Südtirol's offices and citizens use them, with the Italian words of
// the schede. Each group is one thing; the Italian comes first.
var germanEquivalents = [][]string{
	// Registry office.
	{"residenza", "wohnsitz", "wohnsitzwechsel", "meldeamt", "anmeldung", "ummeldung", "ansassig", "ansässig"},
	{"trasloco", "cambio di indirizzo", "umzug", "umziehen", "ziehe um", "adressanderung", "adressänderung"},
	{"anagrafe", "meldeamt", "einwohneramt", "burgerservice", "bürgerservice", "standesamt"},
	{"carta d identita", "identitatskarte", "identitätskarte", "personalausweis", "ausweis"},
	{"certificato", "bescheinigung", "zertifikat", "meldebescheinigung", "auszug"},
	{"certificato di nascita", "geburtsurkunde", "geburt"},
	{"stato di famiglia", "familienbogen", "familienstand"},
	{"matrimonio", "heirat", "heiraten", "hochzeit", "trauung", "standesamtliche trauung", "eheschliessung", "eheschließung"},
	{"unione civile", "eingetragene partnerschaft", "lebenspartnerschaft"},
	{"pubblicazioni", "aufgebot"},
	{"cittadinanza", "staatsburgerschaft", "staatsbürgerschaft"},
	{"permesso di soggiorno", "aufenthaltsgenehmigung", "aufenthaltstitel"},
	{"dichiarazione di appartenenza linguistica", "sprachgruppenzugehorigkeit", "sprachgruppenzugehörigkeit", "sprachgruppe", "zugehorigkeitserklarung", "zugehörigkeitserklärung"},
	{"autentica", "beglaubigung", "beglaubigen", "unterschrift beglaubigen"},
	{"passaporto", "reisepass"},
	{"elettorale", "wahlen", "wahlausweis", "wahlkarte", "wahlen gehen"},

	// Taxes and fees.
	{"tassa", "tributo", "steuer", "gebuhr", "gebühr", "abgabe"},
	{"imu", "imi", "gemeindeimmobiliensteuer", "immobiliensteuer", "grundsteuer", "gis"},
	{"tari", "tariffa rifiuti", "mullgebuhr", "müllgebühr", "mulltarif", "mülltarif", "abfallgebuhr", "abfallgebühr", "mullabfuhr", "müllabfuhr"},
	{"imposta di soggiorno", "ortstaxe", "gemeindeaufenthaltsabgabe", "aufenthaltsabgabe", "kurtaxe"},
	{"pagamento", "zahlung", "bezahlen", "zahlen", "einzahlen", "uberweisung", "überweisung"},
	{"scadenza", "frist", "falligkeit", "fälligkeit", "bis wann"},
	{"rata", "rate", "teilzahlung"},
	{"riduzione", "ermassigung", "ermäßigung", "rabatt", "befreiung", "nachlass"},
	{"rimborso", "ruckerstattung", "rückerstattung", "zuruckerstatten", "zurückerstatten"},
	{"aliquota", "steuersatz", "hebesatz"},
	{"seconda casa", "zweitwohnung", "ferienwohnung"},
	{"abitazione principale", "hauptwohnung", "erstwohnung"},
	{"affitto", "miete", "mieten", "vermieten", "pacht"},
	{"contributo", "beitrag", "zuschuss", "forderung", "förderung", "unterstutzung", "unterstützung"},
	{"contributo affitto", "mietgeld", "mietbeitrag", "wohngeld"},
	{"multa", "strafe", "busse", "buße", "strafzettel"},

	// Waste and streets.
	{"rifiuti", "mull", "müll", "abfall", "abfalle", "abfälle"},
	{"ingombranti", "sperrmull", "sperrmüll", "sperrgut"},
	{"centro di raccolta", "recyclinghof", "wertstoffhof"},
	{"raccolta differenziata", "mulltrennung", "mülltrennung", "trennung"},
	{"bidone", "tonne", "mulltonne", "mülltonne", "restmull", "restmüll", "biomull", "biomüll"},
	{"segnalazione", "meldung", "melden", "schaden", "schaden melden", "beschwerde"},
	{"guasto", "kaputt", "defekt", "schaden"},
	{"lampione", "strassenlampe", "straßenlampe", "strassenbeleuchtung", "straßenbeleuchtung", "laterne"},
	{"buca", "schlagloch", "loch"},
	{"strada", "strasse", "straße", "weg", "gemeindestrasse", "gemeindestraße"},
	{"neve", "schnee", "schneeraumung", "schneeräumung"},
	{"occupazione suolo pubblico", "besetzung offentlichen grundes", "besetzung öffentlichen grundes", "offentlicher grund", "öffentlicher grund"},
	{"ponteggio", "gerust", "gerüst"},
	{"passo carrabile", "zufahrt", "einfahrt", "ausfahrt"},
	{"parcheggio", "parkplatz", "parken", "stellplatz"},
	{"contrassegno disabili", "behindertenausweis", "parkausweis", "invalidenausweis"},
	{"disabile", "behindert", "behinderung", "rollstuhl"},
	{"ztl", "verkehrsbeschrankte zone", "verkehrsbeschränkte zone", "fahrverbot"},

	// School and families.
	{"scuola", "schule", "grundschule", "mittelschule"},
	{"scuola dell infanzia", "kindergarten"},
	{"asilo nido", "kinderkrippe", "krippe", "kita", "kindertagesstatte", "kindertagesstätte", "tagesmutter"},
	{"mensa", "schulausspeisung", "ausspeisung", "mittagessen", "schulmensa"},
	{"trasporto scolastico", "schulbus", "schulertransport", "schülertransport"},
	{"iscrizione", "einschreibung", "anmeldung", "anmelden", "einschreiben"},
	{"bambino", "kind", "kinder", "sohn", "tochter", "baby"},
	{"genitore", "eltern", "mutter", "vater", "mama", "papa"},
	{"anziano", "senioren", "rentner", "oma", "opa"},
	{"assistenza domiciliare", "hauspflege", "heimpflege", "pflege"},
	{"servizi sociali", "sozialdienst", "sozialsprengel", "sozialamt"},

	// Transport.
	{"abbonamento", "abo", "jahresabo", "fahrkarte"},
	{"autobus", "bus", "linienbus", "citybus"},
	{"treno", "zug", "bahn"},
	{"studente", "student", "schuler", "schüler"},

	// Farming, land, the village.
	{"maso chiuso", "geschlossener hof", "erbhof", "hof", "bauernhof"},
	{"successione", "erbfolge", "erben", "vererben", "ubergabe", "übergabe", "hofubergabe", "hofübergabe"},
	{"agricoltore", "bauer", "landwirt", "bauern"},
	{"meleto", "apfelwiese", "obstwiese", "apfel", "äpfel", "obstbau"},
	{"trattamenti fitosanitari", "spritzen", "spritzmittel", "pflanzenschutz", "pflanzenschutzmittel", "pestizide"},
	{"terreno", "grundstuck", "grundstück", "wiese", "acker", "feld"},
	{"banda musicale", "musikkapelle", "kapelle", "blasmusik"},
	{"sala", "saal", "raum", "vereinshaus", "vereinssaal"},
	{"prenotazione", "reservierung", "reservieren", "buchen", "buchung"},
	{"associazione", "verein", "vereine"},
	{"festa", "fest", "feier", "dorffest"},
	{"cane", "hund", "hunde"},
	{"cimitero", "friedhof"},
	{"edilizia", "bauamt", "baukonzession", "baugenehmigung", "bauen", "umbau"},
	{"acqua", "wasser", "trinkwasser", "wasserleitung"},
	{"turista", "gast", "gaste", "gäste", "urlauber", "tourist"},
	{"struttura ricettiva", "vermieter", "privatzimmervermieter", "zimmervermietung", "beherbergungsbetrieb", "hotel"},

	// The office.
	{"comune", "gemeinde", "rathaus", "gemeindeamt"},
	{"ufficio", "amt", "buro", "büro", "schalter"},
	{"orari", "offnungszeiten", "öffnungszeiten", "geoffnet", "geöffnet", "sprechstunden"},
	{"telefono", "telefon", "telefonnummer", "anrufen"},
	{"indirizzo email", "email", "e mail", "mail"},
	{"pec", "zertifizierte e mail", "pec adresse"},
	{"sindaco", "burgermeister", "bürgermeister"},
	{"appuntamento", "termin", "vormerkung"},
	{"modulo", "formular", "antrag", "vordruck"},
	{"domanda", "antrag", "ansuchen", "gesuch", "beantragen"},
	{"documenti", "unterlagen", "dokumente"},
	{"costo", "kosten", "kostet", "preis", "wieviel kostet"},
	{"gratuito", "kostenlos", "gratis"},
}

// german is what the analyzer knows of German, built once.
type german struct {
	// function holds the folded forms of germanFunctionWords, stems
	// their stems.
	function, stems map[string]bool
	// words holds the stems of the lexicon, which are words, not
	// misspellings of the schede's.
	words  map[string]bool
	groups []synGroup
}

func newGerman(a *Analyzer) *german {
	g := &german{function: map[string]bool{}, stems: map[string]bool{}, words: map[string]bool{}}
	for _, w := range germanFunctionWords {
		for _, x := range a.Words(w) {
			g.function[x.Surface] = true
			if x.Stem != "" {
				g.stems[x.Stem] = true
			}
		}
	}
	g.groups = compileGroups(a, germanEquivalents, equivalentWeight)
	for _, grp := range g.groups {
		for _, p := range grp.phrases {
			for _, st := range p {
				g.words[st] = true
			}
		}
	}
	return g
}

// bilingual reports whether a comune's schede are also in German: a
// tenth of the cards or more use three German function words or more.
func (g *german) bilingual(cards []*cardInfo) bool {
	if len(cards) == 0 {
		return false
	}
	n := 0
	for _, ci := range cards {
		found := 0
		for st := range g.stems {
			if _, ok := ci.terms[st]; ok {
				found++
			}
		}
		if found >= 3 {
			n++
		}
	}
	return n*10 >= len(cards)
}
