package assistant

// thesaurus holds groups of everyday Italian words that citizens use for
// the same thing when they talk to a comune. It is general language, not
// any comune's services: a comune adds its own in _sinonimi.yaml.
var thesaurus = [][]string{
	{"bambino", "bimbo", "bimba", "figlio", "figlia", "neonato", "neonata", "pupo"},
	{"casa", "abitazione", "appartamento", "alloggio", "immobile"},
	{"auto", "macchina", "automobile", "veicolo", "vettura"},
	{"multa", "contravvenzione", "sanzione", "verbale"},
	{"rifiuti", "spazzatura", "immondizia", "monnezza", "pattume", "rusco", "sporcizia"},
	{"trasloco", "traslocare", "trasferimento", "trasferirsi", "trasferisco"},
	{"contributo", "sussidio", "aiuto economico", "sostegno economico", "bonus"},
	{"affitto", "locazione", "pigione"},
	{"scuolabus", "scuola bus", "pulmino", "pullmino", "trasporto scolastico"},
	{"mensa", "refezione", "pranzo a scuola", "ristorazione scolastica"},
	{"lampione", "illuminazione pubblica", "luce della strada"},
	{"buca", "voragine", "dissesto stradale"},
	{"matrimonio", "sposarsi", "sposarci", "nozze", "sposare"},
	{"decesso", "morte", "morto", "defunto", "lutto"},
	{"nascita", "nato", "nata", "partorito"},
	{"parcheggio", "posteggio", "sosta", "parcheggiare", "posto auto"},
	{"disabile", "disabilita", "invalido", "invalidita", "handicap", "portatore di handicap"},
	{"tassa", "imposta", "tributo"},
	{"pagare", "versare", "saldare", "pagamento", "versamento"},
	{"ristrutturazione", "ristrutturare", "lavori edili", "cantiere"},
	{"smarrito", "perso", "persa", "perduto", "smarrimento", "smarrita"},
	{"furto", "rubato", "rubata", "derubato"},
	{"rinnovo", "rinnovare"},
	{"elezioni", "votare", "voto", "seggio", "elettorale"},
	{"straniero", "extracomunitario", "cittadino straniero"},
	{"vigili", "vigile urbano", "polizia municipale", "polizia locale"},
	{"cellulare", "telefono"},
	{"modulo", "modulistica", "form"},
	{"anziano", "anziani", "terza eta"},
	{"comune", "municipio"},
	{"iscrizione", "iscrivere", "iscriversi", "iscrivo"},
	{"rotto", "guasto", "non funziona", "danneggiato"},
	{"cane", "cagnolino", "cucciolo"},
	{"cimitero", "camposanto"},
	{"passo carrabile", "passo carraio", "accesso carraio", "ingresso carraio"},
	{"foto", "fotografia", "fototessera"},
	{"autorizzazione", "permesso", "licenza", "nulla osta"},
}

// otherAuthorities name services that in Italy belong to other
// authorities (the State, INPS, the Agenzia delle Entrate, the ASL...),
// not to a comune. When a question names one and the best card does not
// have it in its title, the card most likely mentions it only in passing
// ("la CIE non vale come passaporto"), and the assistant grows doubtful.
// A comune that does offer such a service names it in a card's title.
var otherAuthorities = []string{
	"passaporto", "questura", "prefettura", "permesso di soggiorno", "carta di soggiorno",
	"inps", "pensione", "naspi", "assegno unico", "invalidità civile",
	"agenzia delle entrate", "730", "partita iva", "canone rai", "catasto",
	"motorizzazione", "patente", "bollo auto", "revisione auto",
	"asl", "medico di base", "tessera sanitaria", "pronto soccorso",
	"spid", "carabinieri", "polizia di stato", "tribunale", "cittadinanza italiana",
}
