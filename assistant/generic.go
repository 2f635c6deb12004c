package assistant

import "strings"

// genericWords are everyday Italian words that say nothing about which
// service a citizen means: verbs of doing and wanting, people, time,
// size, place. A question is full of them ("vogliamo sposarci, da dove si
// comincia?"). When the schede happen to use one, it is searched like any
// word; when they do not, it is neither counted as a part of the question
// that no card knows (which would make the assistant doubt a fitting card)
// nor "corrected" into a word the schede do use ("gente" is not a typo of
// "gestione"). Words that name a service or an object of one ("casa",
// "strada", "scuola") are not here: an unknown one of those is a sign
// that the question is about something the schede do not cover.
var genericWords = strings.Fields(`
cominciare iniziare inizio partire finire fine smettere continuare volere potere dovere
sapere conoscere capire pensare credere sembrare parere trovare cercare mettere prendere
portare dare dire parlare andare venire stare restare rimanere tornare uscire
arrivare rispondere risposta usare utilizzare succedere accadere capitare riuscire provare
aspettare attendere guardare vedere sentire leggere scrivere mandare inviare spedire
lasciare tenere girare mancare bastare consigliare consiglio sbagliare sbaglio dimenticare
ricordare notare accorgere preoccupare interessare riguardare trattare spiegazione
occorrere necessitare permettere riguarda procedere seguire ottenere avere essere
sistemare risolvere gestire organizzare decidere scegliere preferire piacere dispiacere
gente persona persone cosa cose modo maniera volta volte giorno giorni settimana mese mesi
anno anni ora ore minuto minuti momento periodo parte caso problema problemi fatto motivo
ragione questione situazione esempio genere idea voglia possibilita notizia notizie
dubbio dubbi chiarimento chiarimenti dettaglio dettagli passo passaggi procedimento
uomo donna signor signore signora ragazzo ragazza ragazzi amico amica amici vicino vicini
conoscente parente parenti tizio qualcuno nessuno ognuno chiunque tutti
mattina mattino pomeriggio sera serata notte weekend
lunedi martedi mercoledi giovedi venerdi sabato domenica
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
inverno primavera estate autunno stagione natale pasqua ferie vacanze
uno due tre quattro cinque sei sette otto nove dieci venti trenta cento mille mezzo meta
arrivato arrivata chiudere aprire chiuso aperto accendere spegnere cambiare
lavorare lavoro lavoriamo studiare abitare abito vivere vivo
invece oppure inoltre tuttavia pero quindi perche siccome mentre finche
ufficiale nuovo nuova nuovi vecchio vecchia grande grandi piccolo piccola bello bella
brutto buono buona cattivo lungo lunga corto breve alto alta basso bassa primo prima
secondo seconda terzo ultimo ultima prossimo prossima scorso scorsa solito normale
possibile impossibile giusto giusta sbagliato vero vera falso certo sicuro sicura
chiaro semplice difficile facile veloce lento pronto pronta pieno vuoto intero
qui qua li la sotto sopra dentro fuori lontano lontana lontanissimo vicinissimo davanti dietro
dopo subito presto tardi spesso molto poco tanto troppo tutto niente nulla
altro altra altri stesso stessa solo soltanto anche pure proprio davvero veramente
bene male meglio peggio circa quasi almeno ormai finalmente purtroppo ovviamente
assolutamente praticamente sinceramente personalmente attualmente recentemente
appena successo capita ieri stamattina stasera stanotte
tipo sorta specie qualche alcuni alcune diversi diverse vari varie parecchio
mio mia miei mie tuo tua suo sua nostro nostra vostro loro
fra tra verso senza presso tramite attraverso riguardo
ricominciare ripartire
`)
