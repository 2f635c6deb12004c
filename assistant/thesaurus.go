package assistant

// The assistant's general lexicon: groups of everyday Italian words and
// phrases that citizens use for the same thing when they talk to a
// comune, whichever comune it is. It is language, not any comune's
// services: a comune adds its own in _sinonimi.yaml and in each card's
// sinonimi, and those weigh more.
//
// equivalents are names of the same thing (a misspelling, a popular name,
// an official one); related are words close enough that a citizen uses
// one for the other (a kind for the whole, an object for the service that
// handles it). A match through them counts for less than the word itself.
const (
	equivalentWeight = 0.7
	relatedWeight    = 0.5
)

var equivalents = [][]string{
	// People and family.
	{"bambino", "bimbo", "bimba", "figlio", "figlia", "neonato", "neonata", "pupo", "bambina"},
	{"genitore", "genitori", "mamma", "papa", "padre", "madre"},
	{"anziano", "anziani", "terza eta", "nonno", "nonna", "over 65"},
	{"minorenne", "minore", "minori"},
	{"alunno", "studente", "scolaro", "allievo"},
	{"straniero", "extracomunitario", "cittadino straniero", "cittadino non italiano"},
	{"disabile", "disabilita", "invalido", "invalidita", "handicap", "portatore di handicap", "non autosufficiente", "non deambulante", "non cammina", "difficolta a camminare", "ridotta capacita motoria", "mobilita ridotta"},
	{"coniuge", "marito", "moglie"},
	{"convivente", "conviventi", "convivenza", "conviviamo"},

	// Home and places.
	{"casa", "abitazione", "appartamento", "alloggio", "immobile"},
	{"seconda casa", "casa al mare", "casa in montagna", "casa vacanze", "altro immobile", "altra casa"},
	{"garage", "box", "autorimessa", "rimessa"},
	{"cancello", "portone", "cancellata"},
	{"cortile", "giardino", "corte"},
	{"marciapiede", "suolo pubblico", "area pubblica", "spazio pubblico", "sede stradale"},
	{"negozio", "bar", "ristorante", "pizzeria", "locale", "esercizio commerciale", "attivita commerciale", "esercente"},
	{"comune", "municipio", "palazzo comunale"},
	{"cimitero", "camposanto"},
	{"estero", "espatrio", "fuori italia", "all estero", "viaggio all estero", "valida per l espatrio"},

	// Vehicles and streets.
	{"auto", "macchina", "automobile", "veicolo", "vettura"},
	{"camion", "furgone", "autocarro", "mezzo pesante", "tir"},
	{"autoscala", "piattaforma aerea", "cestello", "gru", "montacarichi"},
	{"ponteggio", "impalcatura", "trabattello", "impalcature"},
	{"scuolabus", "scuola bus", "pulmino", "pullmino", "trasporto scolastico", "autobus della scuola", "bus della scuola", "navetta scolastica"},
	{"ztl", "zona a traffico limitato", "varco", "varchi", "telecamere del centro", "centro storico chiuso"},
	{"parcheggio", "posteggio", "sosta", "parcheggiare", "posto auto", "posteggiare"},
	{"contrassegno", "tagliando", "pass", "cude", "permesso di parcheggio"},
	{"posti gialli", "posti riservati", "stalli riservati", "parcheggio riservato", "strisce gialle", "posto per disabili", "parcheggio disabili"},
	{"passo carrabile", "passo carraio", "accesso carraio", "ingresso carraio", "cartello del garage", "cartello davanti al cancello", "cartello passo carrabile", "divieto di sosta davanti al garage"},
	{"divieto di sosta", "divieto temporaneo", "riservare la strada", "transennare", "chiudere la strada", "chiusura della strada"},
	{"multa", "contravvenzione", "sanzione", "verbale"},
	{"buca", "voragine", "dissesto stradale", "strada rotta", "asfalto rotto", "buche"},
	{"lampione", "illuminazione pubblica", "luce della strada", "lampioni", "luce pubblica"},
	{"semaforo", "semafori"},

	// Waste.
	{"rifiuti", "spazzatura", "immondizia", "monnezza", "pattume", "rusco", "sporcizia", "pattumiera"},
	{"ingombranti", "rifiuti ingombranti", "mobili vecchi", "mobili", "divano", "materasso", "armadio", "elettrodomestici", "frigorifero", "lavatrice", "raee", "roba vecchia"},
	{"isola ecologica", "centro di raccolta", "ecocentro", "piattaforma ecologica", "stazione ecologica", "ricicleria", "discarica", "piazzola ecologica", "centro raccolta rifiuti"},
	{"raccolta differenziata", "differenziata", "porta a porta", "calendario della raccolta", "giorni della raccolta"},
	{"cassonetto", "cassonetti", "bidone", "bidoni", "contenitore", "mastello", "bidoncino"},
	{"sfalci", "potature", "erba tagliata", "ramaglie"},
	{"sacchi", "sacchetti", "sacco", "buste", "sacchetto"},
	{"umido", "organico", "rifiuti organici", "scarti di cucina", "avanzi di cibo"},
	{"pile", "batterie", "pile esauste", "pile scariche"},
	{"farmaci", "medicine", "medicinali", "farmaci scaduti", "medicine scadute"},
	{"pneumatici", "gomme", "copertoni"},
	{"calcinacci", "macerie", "inerti", "rifiuti edili", "cassone", "container"},
	{"olio", "olio esausto", "olio da cucina", "olio di frittura"},
	{"compostaggio", "compostiera", "composter", "compost"},

	// Money, taxes and payments.
	{"tassa", "imposta", "tributo"},
	{"tari", "tassa rifiuti", "tassa della spazzatura", "tassa sui rifiuti", "tassa dell immondizia", "tariffa rifiuti", "tares", "tarsu"},
	{"imu", "imposta municipale", "ici", "tassa sulla casa", "imposta sulla casa"},
	{"pagare", "versare", "saldare", "pagamento", "versamento"},
	{"bollettino", "avviso di pagamento", "pagopa", "f24", "modello f24", "cartella"},
	{"rata", "rate", "acconto", "saldo", "rateizzare", "rateizzazione", "a rate"},
	{"rimborso", "restituzione", "soldi indietro", "pagato due volte", "sgravio"},
	{"riduzione", "sconto", "agevolazione", "esenzione", "pagare meno", "esonero", "tariffa agevolata", "agevolazioni", "riduzioni"},
	{"isee", "reddito basso", "pochi soldi", "difficolta economiche", "reddito"},
	{"aliquota", "aliquote", "percentuale"},
	{"comodato", "comodato d uso", "comodato gratuito", "prestato la casa", "dato in uso"},
	{"metri quadri", "mq", "superficie", "metratura"},
	{"contributo", "sussidio", "aiuto economico", "sostegno economico", "bonus"},
	{"affitto", "locazione", "pigione", "canone di locazione", "casa in affitto"},
	{"morosita", "sfratto", "non riesco a pagare l affitto", "arretrati"},
	{"casa popolare", "case popolari", "alloggio popolare", "edilizia residenziale pubblica", "erp", "alloggio comunale"},
	{"bolletta", "bollette", "utenze", "luce e gas"},
	{"acqua", "servizio idrico", "bolletta dell acqua", "idrico"},

	// Registry office.
	{"residenza", "residente", "residenti", "risiedere", "domicilio", "prendere la residenza", "diventare residente", "iscrizione anagrafica"},
	{"trasloco", "traslocare", "trasferimento", "trasferirsi", "trasferisco", "trasferito", "trasferita", "cambiare casa", "spostare", "spostarsi", "nuovo indirizzo"},
	{"cambio di indirizzo", "cambio indirizzo", "cambiare indirizzo", "cambio di abitazione", "stesso comune"},
	{"certificato", "certificati", "certificazione", "attestato", "attestazione"},
	{"stato di famiglia", "nucleo familiare", "famiglia anagrafica", "composizione della famiglia", "chi vive con me"},
	{"autocertificazione", "dichiarazione sostitutiva", "autodichiarazione"},
	{"carta d identita", "carta di identita", "cie", "documento d identita", "documento di identita", "documento di riconoscimento", "carta identita", "documento elettronico"},
	{"anagrafe", "ufficio anagrafe", "servizi demografici", "demografico"},
	{"autentica", "autenticare", "autenticazione", "firma autenticata", "legalizzazione", "copia conforme", "copia autentica"},
	{"online", "on line", "internet", "telematico", "telematica", "via web", "sito", "portale", "da remoto", "senza venire", "senza andare"},
	{"scaricare", "stampare", "download"},
	{"foto", "fotografia", "fototessera", "fotografie"},
	{"impronte", "impronte digitali", "impronta"},
	{"firma", "firmare", "sottoscrivere", "sottoscrizione"},
	{"delega", "delegare"},

	// Civil status and cemetery.
	{"matrimonio", "sposarsi", "sposarci", "nozze", "sposare", "sposi", "sposa", "sposo", "matrimonio civile", "rito civile"},
	{"unione civile", "unioni civili", "unione tra persone dello stesso sesso", "coppia dello stesso sesso"},
	{"pubblicazioni", "pubblicazioni di matrimonio", "promessa di matrimonio"},
	{"testimone", "testimoni"},
	{"separazione", "separarsi", "divorzio", "divorziare"},
	{"decesso", "morte", "morto", "morta", "defunto", "defunta", "lutto", "deceduto", "scomparso"},
	{"nascita", "nato", "nata", "partorito", "parto", "e nato", "e nata"},
	{"loculo", "loculi", "tomba", "sepoltura", "fossa", "cappella", "ossario", "celletta", "concessione cimiteriale", "colombario"},
	{"cremazione", "ceneri", "urna", "dispersione delle ceneri", "affido delle ceneri", "cremare"},
	{"nicchia", "nicchie", "loculo", "cinerario"},
	{"lampada votiva", "lampade votive", "luce votiva", "luci votive", "lumino", "lumini"},

	// Schools.
	{"asilo nido", "nido", "nido d infanzia", "micronido", "nido comunale"},
	{"scuola dell infanzia", "scuola materna", "materna", "asilo"},
	{"scuola primaria", "elementari", "scuola elementare", "primaria"},
	{"scuola secondaria", "scuola media", "medie", "prima media", "seconda media", "terza media"},
	{"mensa", "refezione", "pranzo a scuola", "ristorazione scolastica", "pasto", "pasti", "mangiare a scuola", "pranzo", "buoni pasto", "buono pasto"},
	{"dieta", "dieta speciale", "allergia", "allergico", "intolleranza", "celiachia", "celiaco", "menu"},
	{"retta", "rette", "quota", "tariffa scolastica"},
	{"centri estivi", "centro estivo", "campo estivo", "campi estivi", "grest", "estate ragazzi", "colonia", "attivita estive"},
	{"pre scuola", "prescuola", "pre-scuola", "post scuola", "postscuola", "doposcuola", "entrata anticipata", "uscita posticipata"},
	{"graduatoria", "graduatorie", "lista d attesa", "classifica", "punteggio"},
	{"iscrizione", "iscrivere", "iscriversi", "iscrivo", "iscritto", "iscritta"},
	{"uscita autonoma", "scendere da solo", "scendere da sola", "tornare a casa da solo"},

	// Reports and maintenance.
	{"segnalare", "segnalazione", "reclamo", "lamentela", "disservizio", "guasto", "segnalo"},
	{"rotto", "guasto", "non funziona", "danneggiato", "spento", "rotta"},
	{"albero", "alberi", "rami", "ramo", "potatura"},
	{"perdita d acqua", "tubo rotto", "allagamento", "tombino", "tombini", "caditoia"},
	{"giochi", "altalena", "scivolo", "parco giochi", "area giochi", "giostrine"},
	{"parco", "giardini pubblici", "verde pubblico", "giardinetti", "area verde"},
	{"rumore", "rumori", "schiamazzi", "disturbo", "musica alta"},
	{"abbandono di rifiuti", "rifiuti abbandonati", "discarica abusiva", "sacchi abbandonati"},

	// Building and planning.
	{"scia", "cila", "permesso di costruire", "pratica edilizia", "titolo edilizio", "pratiche edilizie", "concessione edilizia"},
	{"ristrutturazione", "ristrutturare", "lavori edili", "cantiere", "lavori in casa", "rifare la facciata", "facciata"},
	{"condono", "sanatoria", "abuso edilizio", "abusivo"},
	{"agibilita", "abitabilita"},
	{"muro", "pareti", "parete", "tramezzo", "demolire", "buttare giu", "abbattere"},
	{"veranda", "balcone", "terrazzo", "tettoia", "pergolato", "gazebo"},
	{"progetto", "planimetria", "pratica edilizia", "disegni", "progetto originale"},
	{"rogito", "compravendita", "vendere casa", "comprare casa", "notaio"},
	{"geometra", "architetto", "ingegnere", "tecnico", "professionista"},
	{"accesso agli atti", "copia degli atti", "vedere i documenti", "visionare", "accesso civico", "foia"},

	// Other common services.
	{"cane", "cagnolino", "cucciolo", "cani"},
	{"anagrafe canina", "microchip", "chip", "registrare il cane", "iscrivere il cane"},
	{"gatto", "gatti", "colonia felina"},
	{"biblioteca", "prestito libri", "libri", "prestito dei libri"},
	{"palestra", "impianto sportivo", "impianti sportivi", "campo sportivo", "palazzetto"},
	{"sala", "sala comunale", "salone", "spazio comunale"},
	{"festa", "evento", "manifestazione", "sagra", "spettacolo", "concerto"},
	{"elezioni", "votare", "voto", "seggio", "elettorale"},
	{"vigili", "vigile urbano", "polizia municipale", "polizia locale", "vigile"},
	{"smarrito", "perso", "persa", "perduto", "smarrimento", "smarrita"},
	{"furto", "rubato", "rubata", "derubato", "rubati"},
	{"rinnovo", "rinnovare", "scaduta", "scaduto", "in scadenza"},
	{"cellulare", "telefono"},
	{"modulo", "modulistica", "form", "modello", "moduli"},
	{"appuntamento", "prenotare", "prenotazione", "prenotarsi", "fissare un appuntamento"},
	{"autorizzazione", "permesso", "licenza", "nulla osta", "concessione"},
	{"lavoro", "impiego", "disoccupato", "senza lavoro", "perso il lavoro"},
	{"assistente sociale", "servizi sociali", "servizio sociale"},
	{"assistenza domiciliare", "badante", "aiuto in casa"},
	{"bicicletta", "bici"},
	{"barca", "imbarcazione", "gommone", "natante", "motoscafo", "posto barca", "ormeggio", "boa"},
	{"porto", "porticciolo", "darsena", "pontile", "approdo"},
	{"bando", "avviso pubblico", "graduatoria", "domande aperte"},
	{"abbonamento", "tessera", "tesserino"},
	{"fermata", "fermate", "percorso", "tragitto", "orari del pulmino"},
}

var related = [][]string{
	{"posti gialli", "contrassegno"},
	{"garage", "passo carrabile"},
	{"tavolini", "tavoli", "sedie", "dehors", "plateatico", "ombrelloni", "tavolini all aperto", "occupazione suolo pubblico"},
	{"trasloco", "occupazione suolo pubblico"},
	{"ponteggio", "occupazione suolo pubblico"},
	{"mobili", "ingombranti"},
	{"abitare", "vivere", "residenza"},
	{"ricevuta", "attestazione", "quietanza"},
	{"scadenza", "scade", "termine"},
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
