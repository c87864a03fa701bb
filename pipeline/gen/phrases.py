"""Answer sentences per language, one key per thing an answer can state.

Every sentence is one line, ends with its own punctuation, carries at least
one value of a tool response (so it is an integration sentence), and never
contains ". " inside, so the extractor's sentence splitter finds exactly the
sentences written here. Counted nouns come in already agreeing (`lang.count`).
"""

from __future__ import annotations

import random

Table = dict[str, dict[str, tuple[str, ...]]]

P: Table = {
    # ---- fs.read
    "read.config": {
        "en": (
            "{path} is {a_fmt} file of {lines} that sets {pairs}.",
            "{path} ({fmt}, {lines}) sets {pairs}.",
        ),
        "es": ("{path} es un archivo {fmt} de {lines} que define {pairs}.",),
        "de": ("{path} ist eine {fmt}-Datei mit {lines_dat} und setzt {pairs}.",),
        "fr": ("{path} est un fichier {fmt} de {lines} qui définit {pairs}.",),
    },
    "read.config.some": {
        "en": ("{path} is {a_fmt} file of {lines} with {settings}, among them {pairs}.",),
        "es": ("{path} es un archivo {fmt} de {lines} con {settings}, entre ellos {pairs}.",),
        "de": (
            "{path} ist eine {fmt}-Datei mit {lines_dat} und {settings_dat}, darunter {pairs}.",
        ),
        "fr": ("{path} est un fichier {fmt} de {lines} avec {settings}, dont {pairs}.",),
    },
    "read.code": {
        "en": ("{path} is {a_fmt} module of {lines} that defines {names}.",),
        "es": ("{path} es un módulo {fmt} de {lines} que define {names}.",),
        "de": ("{path} ist ein {fmt}-Modul mit {lines_dat} und definiert {names}.",),
        "fr": ("{path} est un module {fmt} de {lines} qui définit {names}.",),
    },
    "read.doc": {
        "en": ("{path} is a document of {lines} with {sections}: {names}.",),
        "es": ("{path} es un documento de {lines} con {sections}: {names}.",),
        "de": ("{path} ist ein Dokument mit {lines_dat} und {sections_dat}: {names}.",),
        "fr": ("{path} est un document de {lines} avec {sections} : {names}.",),
    },
    "read.table": {
        "en": (
            "{path} is a CSV table with {rows} and the columns {names}; "
            "its first row is `{a}` and its last `{b}`.",
        ),
        "es": (
            "{path} es una tabla CSV con {rows} y las columnas {names}; "
            "su primera fila es `{a}` y la última `{b}`.",
        ),
        "de": (
            "{path} ist eine CSV-Tabelle mit {rows_dat} und den Spalten {names}; "
            "die erste Datenzeile lautet `{a}`, die letzte `{b}`.",
        ),
        "fr": (
            "{path} est un tableau CSV de {rows} avec les colonnes {names} ; "
            "la première ligne de données est `{a}` et la dernière `{b}`.",
        ),
    },
    "read.log": {
        "en": ("{path} holds {entries} from {day} ({levels}){notable}.",),
        "es": ("{path} contiene {entries} del {day} ({levels}){notable}.",),
        "de": ("{path} enthält {entries} vom {day} ({levels}){notable}.",),
        "fr": ("{path} contient {entries} du {day} ({levels}){notable}.",),
    },
    "read.values": {
        "en": ("{path} sets {pairs}.", "In {path}, {pairs}."),
        "es": ("{path} define {pairs}.",),
        "de": ("{path} setzt {pairs}.",),
        "fr": ("{path} définit {pairs}.",),
    },
    "read.missing_keys": {
        "en": ("{path} has no {keys} key.",),
        "es": ("{path} no tiene la clave {keys}.",),
        "de": ("Einen Schlüssel {keys} gibt es in {path} nicht.",),
        "fr": ("{path} n'a pas de clé {keys}.",),
    },
    "read.range": {
        "en": ("Lines {start}-{end} of {path} (a file of {total}) {what}.",),
        "es": ("Las líneas {start} {to} {end} de {path} (un archivo de {total}) {what}.",),
        "de": ("Die Zeilen {start} {to} {end} von {path} (einer Datei mit {total_dat}) {what}.",),
        "fr": ("Les lignes {start} {to} {end} de {path} (un fichier de {total}) {what}.",),
    },
    "read.truncated": {
        "en": (
            "{path} has {total} lines, and the limit returned only the first {returned}, "
            "which {what}.",
        ),
        "es": (
            "{path} tiene {total} líneas y el límite devolvió solo las {returned} primeras, "
            "que {what}.",
        ),
        "de": (
            "{path} hat {total} Zeilen, wegen des Limits wurden aber nur die ersten {returned} "
            "gelesen; sie {what}.",
        ),
        "fr": (
            "{path} compte {total} lignes, mais, à cause de la limite, seules les {returned} "
            "premières ont été lues ; elles {what}.",
        ),
    },
    "read.link": {
        "en": ("{path} is a symbolic link to {resolved}.",),
        "es": ("{path} es un enlace simbólico a {resolved}.",),
        "de": ("{path} ist ein symbolischer Link auf {resolved}.",),
        "fr": ("{path} est un lien symbolique vers {resolved}.",),
    },
    "read.probe": {
        # The file named: an answer about two files would leave "the file" ambiguous.
        "en": ("The file {path} was last modified on {date} and is {size} bytes long.",),
        "es": ("El archivo {path} se modificó por última vez el {date} y ocupa {size} bytes.",),
        "de": ("Die Datei {path} wurde zuletzt am {date} geändert und ist {size} Bytes groß.",),
        "fr": (
            "Le fichier {path} a été modifié pour la dernière fois le {date} et fait {size} "
            "octets.",
        ),
    },
    # After a symbolic link: the date and size are the target's, so the target is named.
    "read.probe.link": {
        "en": ("The link's target, {path}, was last modified on {date} and is {size} bytes long.",),
        "es": (
            "El destino del enlace, {path}, se modificó por última vez el {date} y ocupa "
            "{size} bytes.",
        ),
        "de": ("Das Linkziel {path} wurde zuletzt am {date} geändert und ist {size} Bytes groß.",),
        "fr": (
            "La cible du lien, {path}, a été modifiée pour la dernière fois le {date} et fait "
            "{size} octets.",
        ),
    },
    # ---- fs.list
    "list.all": {
        "en": ("{dir} has {files}{filter}: {names}.",),
        "es": ("{dir} tiene {files}{filter}: {names}.",),
        "de": ("{dir} enthält {files}{filter}: {names}.",),
        "fr": ("{dir} contient {files}{filter} : {names}.",),
    },
    "list.one": {
        "en": ("{dir} has one file{filter}: {names}.",),
        "es": ("{dir} tiene un solo archivo{filter}: {names}.",),
        "de": ("{dir} enthält nur eine Datei{filter}: {names}.",),
        "fr": ("{dir} contient un seul fichier{filter} : {names}.",),
    },
    "list.some": {
        "en": ("{dir} has {files}{filter}; the first {k} are {names}.",),
        "es": ("{dir} tiene {files}{filter}; los {k} primeros son {names}.",),
        "de": ("{dir} enthält {files}{filter}; die ersten {k} sind {names}.",),
        "fr": ("{dir} contient {files}{filter} ; les {k} premiers sont {names}.",),
    },
    # ---- fs.search
    "search.one": {
        "en": ("`{pattern}` appears once, at {locs}.",),
        "es": ("`{pattern}` aparece una sola vez, en {locs}.",),
        "de": ("`{pattern}` kommt nur einmal vor, in {locs}.",),
        "fr": ("`{pattern}` n'apparaît qu'une fois, dans {locs}.",),
    },
    "search.one.context": {
        "en": ("`{pattern}` appears once, at {loc}{line}, {around}.",),
        "es": ("`{pattern}` aparece una sola vez, en {loc}{line}, {around}.",),
        "de": ("`{pattern}` kommt nur einmal vor, in {loc}{line}, {around}.",),
        "fr": ("`{pattern}` n'apparaît qu'une fois, dans {loc}{line}, {around}.",),
    },
    "search.all": {
        "en": ("`{pattern}` appears on {lines} in {files}: {locs}.",),
        "es": ("`{pattern}` aparece en {lines} de {files}: {locs}.",),
        "de": ("`{pattern}` kommt in {files_dat} in {lines_dat} vor: {locs}.",),
        "fr": ("`{pattern}` apparaît sur {lines} dans {files} : {locs}.",),
    },
    "search.some": {
        "en": ("`{pattern}` appears on {lines} in {files}; the first {k} are {locs}.",),
        "es": ("`{pattern}` aparece en {lines} de {files}; las {k} primeras son {locs}.",),
        "de": ("`{pattern}` kommt in {files_dat} in {lines_dat} vor; die ersten {k} sind {locs}.",),
        "fr": ("`{pattern}` apparaît sur {lines} dans {files} ; les {k} premières sont {locs}.",),
    },
    "search.context": {
        "en": ("The first match, at {loc}, reads `{text}`, {around}.",),
        "es": ("La primera coincidencia, en {loc}, dice `{text}`, {around}.",),
        "de": ("Der erste Treffer, in {loc}, lautet `{text}`, {around}.",),
        "fr": ("La première occurrence, dans {loc}, contient `{text}`, {around}.",),
    },
    # ---- comparing one setting in two files
    "compare.files": {
        "en": ("{key} is {v1} in {p1} and {v2} in {p2}, so {relation}.",),
        "es": ("{key} vale {v1} en {p1} y {v2} en {p2}, así que {relation}.",),
        "de": ("{key} ist in {p1} {v1} und in {p2} {v2}, also {relation}.",),
        "fr": ("{key} vaut {v1} dans {p1} et {v2} dans {p2}, donc {relation}.",),
    },
    # ---- web
    "web.only": {
        "en": ("The only result, {title} ({url}), reports that {finding}.",),
        "es": ("El único resultado, {title} ({url}), indica que {finding}.",),
        "de": ("Der einzige Treffer, {title} ({url}), berichtet: {finding}.",),
        "fr": ("Le seul résultat, {title} ({url}), indique que {finding}.",),
    },
    "web.also": {
        "en": ("Another source, {title} ({url}), notes that {finding}.",),
        "es": ("Otra fuente, {title} ({url}), señala que {finding}.",),
        "de": ("Eine weitere Quelle, {title} ({url}), meldet: {finding}.",),
        "fr": ("Une autre source, {title} ({url}), signale que {finding}.",),
    },
    # A source whose figure is far from the top result's is set against it, not added
    # to it: "A third source adds ... 32%" after a top result of 62% read as agreement
    # (R15 audit).
    "web.differs": {
        "en": ("By contrast, {title} ({url}) reports that {finding}.",),
        "es": ("En cambio, {title} ({url}) señala que {finding}.",),
        "de": ("Dagegen meldet {title} ({url}): {finding}.",),
        "fr": ("En revanche, {title} ({url}) signale que {finding}.",),
    },
    # A second far source after a first: "By contrast" twice read as a contrast between
    # the two of them (R16 audit).
    "web.differs.more": {
        "en": ("{title} ({url}) reports yet another figure: {finding}.",),
        "es": ("{title} ({url}) da otra cifra distinta: {finding}.",),
        "de": ("Wieder anders meldet {title} ({url}): {finding}.",),
        "fr": ("{title} ({url}) donne encore un autre chiffre : {finding}.",),
    },
    # A third source with a figure already given agrees with it (R18 audit).
    "web.same": {
        "en": ("{title} ({url}) also reports that {finding}.",),
        "es": ("{title} ({url}) también indica que {finding}.",),
        "de": ("Auch {title} ({url}) meldet: {finding}.",),
        "fr": ("{title} ({url}) indique aussi que {finding}.",),
    },
    # What was read of a page is its overview only, which states the search's finding.
    "web.overview.only": {
        "en": ("What was read of {page}, its {heading} section, gives only that finding.",),
        "es": ("Lo que se leyó de {page}, su sección {heading}, solo recoge ese resultado.",),
        "de": (
            "Von {page} wurde nur der Abschnitt {heading} gelesen, "
            "und er nennt nur dieses Ergebnis.",
        ),
        "fr": ("La partie lue de {page}, sa section {heading}, ne donne que ce résultat.",),
    },
    "web.third": {
        "en": ("A third source, {title} ({url}), adds that {finding}.",),
        "es": ("Una tercera fuente, {title} ({url}), añade que {finding}.",),
        "de": ("Eine dritte Quelle, {title} ({url}), ergänzt: {finding}.",),
        "fr": ("Une troisième source, {title} ({url}), ajoute que {finding}.",),
    },
    "web.top": {
        "en": ("The top result, {title} ({url}), reports that {finding}.",),
        "es": ("El primer resultado, {title} ({url}), indica que {finding}.",),
        "de": ("Der erste Treffer, {title} ({url}), berichtet: {finding}.",),
        "fr": ("Le premier résultat, {title} ({url}), indique que {finding}.",),
    },
    "web.top.listed": {
        # Named by its title (no address again): a sentence is grounded by what it names.
        "en": ("The first of them, {title}, reports that {finding}.",),
        "es": ("La primera, {title}, indica que {finding}.",),
        "de": ("Die erste davon, {title}, berichtet: {finding}.",),
        "fr": ("La première, {title}, indique que {finding}.",),
    },
    "web.results": {
        "en": ("The search found {pages}; the top {k} are {items}.",),
        "es": ("La búsqueda encontró {pages}; los {k} primeros son {items}.",),
        "de": ("Die Suche fand {pages}; die ersten {k} sind {items}.",),
        "fr": ("La recherche a trouvé {pages} ; les {k} premières sont {items}.",),
    },
    "web.results.all": {
        "en": ("The search found {pages}: {items}.",),
        "es": ("La búsqueda encontró {pages}: {items}.",),
        "de": ("Die Suche fand {pages}: {items}.",),
        "fr": ("La recherche a trouvé {pages} : {items}.",),
    },
    # A page's line count is no news to the user: said only of files (R12 note).
    "web.open": {
        "en": ("The page {title}{extra} reports that {finding}.",),
        "es": ("La página {title}{extra} indica que {finding}.",),
        "de": ("Die Seite {title}{extra} berichtet: {finding}.",),
        "fr": ("La page {title}{extra} indique que {finding}.",),
    },
    "web.cut": {
        "en": (" (cut here at {n} characters)",),
        "es": (" (recortada aquí a {n} caracteres)",),
        "de": (" (hier nach {n} Zeichen abgeschnitten)",),
        "fr": (" (coupée ici à {n} caractères)",),
    },
    "web.window": {
        "en": ("The requested lines of {title} begin with: {text}",),
        "es": ("Las líneas pedidas de {title} empiezan así: {text}",),
        "de": ("Die gewünschten Zeilen von {title} beginnen so: {text}",),
        "fr": ("Les lignes demandées de {title} commencent ainsi : {text}",),
    },
    "web.window.part": {
        "en": (
            "The requested lines stop at line {end} of {total}, so the rest of the page "
            "is not covered.",
        ),
        "es": (
            "Las líneas pedidas terminan en la línea {end} de {total}, así que el resto de la "
            "página no está cubierto.",
        ),
        "de": (
            "Die gewünschten Zeilen enden bei Zeile {end} von {total}; der Rest der Seite "
            "ist nicht abgedeckt.",
        ),
        "fr": (
            "Les lignes demandées s'arrêtent à la ligne {end} sur {total} : le reste de la "
            "page n'est pas couvert.",
        ),
    },
    "web.links": {
        "en": ("The page links to {links}.",),
        "es": ("La página enlaza a {links}.",),
        "de": ("Die Seite verlinkt auf {links}.",),
        "fr": ("La page renvoie vers {links}.",),
    },
    "web.links.some": {
        "en": ("The page has {n} links; the first {k} are {links}.",),
        "es": ("La página tiene {n} enlaces; los {k} primeros son {links}.",),
        "de": ("Die Seite hat {n} Links; die ersten {k} sind {links}.",),
        "fr": ("La page compte {n} liens ; les {k} premiers sont {links}.",),
    },
    "web.section": {
        "en": ("Its {heading} section says: {text}",),
        "es": ("Su sección {heading} dice: {text}",),
        "de": ("Im Abschnitt {heading} heißt es: {text}",),
        "fr": ("Sa section {heading} précise : {text}",),
    },
    "web.section.named": {
        # The first section said of a page no earlier sentence named (an opened page
        # after a repair or redirect note): "Its" would point at that note (R13 audit).
        "en": ("The page {title} says in its {heading} section: {text}",),
        "es": ("La página {title} dice en su sección {heading}: {text}",),
        "de": ("Auf der Seite {title} heißt es im Abschnitt {heading}: {text}",),
        "fr": ("La page {title} précise dans sa section {heading} : {text}",),
    },
    "web.section.next": {
        "en": ("The {heading} section adds: {text}",),
        "es": ("La sección {heading} añade: {text}",),
        "de": ("Unter {heading} steht: {text}",),
        "fr": ("La section {heading} ajoute : {text}",),
    },
    "web.section.more": {
        "en": ("Under {heading}, it goes on: {text}",),
        "es": ("En {heading} sigue: {text}",),
        "de": ("Der Abschnitt {heading} ergänzt: {text}",),
        "fr": ("Sous {heading}, elle poursuit : {text}",),
    },
    "web.section.caveat": {
        "en": ("The {heading} section qualifies this: {text}",),
        "es": ("La sección {heading} lo matiza: {text}",),
        "de": ("Relativiert wird das unter {heading}: {text}",),
        "fr": ("La section {heading} nuance ce résultat : {text}",),
    },
    "web.part": {
        # The limit cut the page before its last sections: the summary is of what was read.
        "en": ("The limit of {n} characters cut the page, so this covers only the part read.",),
        "es": ("El límite de {n} caracteres recortó la página: esto cubre solo la parte leída.",),
        "de": (
            "Das Limit von {n} Zeichen hat die Seite abgeschnitten; das ist nur der gelesene Teil.",
        ),
        "fr": ("La limite de {n} caractères a coupé la page : ceci ne couvre que la partie lue.",),
    },
    "web.compare": {
        "en": (
            "For {subject}, the {metric} {verb} by {p1}% with {t1} ({u1}) and by {p2}% with "
            "{t2} ({u2}), so {relation}.",
        ),
        "es": (
            "En {subject}, {metric} {verb} un {p1} % con {t1} ({u1}) y un {p2} % con {t2} "
            "({u2}), así que {relation}.",
        ),
        "de": (
            "Bei {subject} {verb} {metric} mit {t1} um {p1} % ({u1}) und mit {t2} um {p2} % "
            "({u2}), also {relation}.",
        ),
        "fr": (
            "Pour {subject}, {metric} {verb} de {p1} % avec {t1} ({u1}) et de {p2} % avec "
            "{t2} ({u2}), donc {relation}.",
        ),
    },
    "web.baseline": {
        "en": (
            "According to {title} ({url}), {finding}; applied to your baseline of "
            "{base} {unit}, that leaves {out} {unit}.",
        ),
        "es": (
            "Según {title} ({url}), {finding}; aplicada a tu valor de referencia de {base} {unit}, "
            "esa reducción deja {out} {unit}.",
        ),
        "de": (
            "Laut {title} ({url}) {finding}; wendet man diese Senkung auf deinen Ausgangswert "
            "von {base} {unit} an, bleiben {out} {unit}.",
        ),
        "fr": (
            "D'après {title} ({url}), {finding} ; appliquée à ta valeur de référence de "
            "{base} {unit}, cette baisse donne {out} {unit}.",
        ),
    },
    "web.probe": {
        "en": ("The page was published on {date}.",),
        "es": ("La página se publicó el {date}.",),
        "de": ("Der Artikel erschien am {date}.",),
        "fr": ("La page a été publiée le {date}.",),
    },
    # ---- code.run
    "code.prints": {
        "en": ("It prints `{out}`.", "The snippet prints `{out}`."),
        "es": ("Imprime `{out}`.", "El fragmento imprime `{out}`."),
        "de": ("Es gibt `{out}` aus.", "Das Snippet gibt `{out}` aus."),
        "fr": ("Il affiche `{out}`.", "Le code affiche `{out}`."),
    },
    "code.compare": {
        "en": ("The first snippet prints `{a}` and the second prints `{b}`, so {relation}.",),
        "es": ("El primer fragmento imprime `{a}` y el segundo `{b}`, así que {relation}.",),
        "de": ("Das erste Snippet gibt `{a}` aus und das zweite `{b}`, also {relation}.",),
        "fr": ("Le premier extrait affiche `{a}` et le second `{b}`, donc {relation}.",),
    },
    "code.typo": {
        "en": (
            "Your snippet raises `{error}`; with the typo fixed (`{bad}` → `{good}`), "
            "it prints `{out}`.",
        ),
        "es": (
            "Tu fragmento lanza `{error}`; con la errata corregida (`{bad}` → `{good}`), "
            "imprime `{out}`.",
        ),
        "de": (
            "Dein Snippet wirft `{error}`; mit korrigiertem Tippfehler (`{bad}` → `{good}`) "
            "gibt es `{out}` aus.",
        ),
        "fr": (
            "Ton code lève `{error}` ; une fois la faute de frappe corrigée "
            "(`{bad}` → `{good}`), il affiche `{out}`.",
        ),
    },
    "code.values": {
        "en": ("{source} holds {values}; {result} is {out}.",),
        "es": ("{source} contiene {values}; {result} es {out}.",),
        "de": ("{source} enthält {values}; {result} ist {out}.",),
        "fr": ("{source} contient {values} ; {result} vaut {out}.",),
    },
    # ---- failures of what the user gave
    "err.missing": {
        "en": (
            "{asked} does not exist (`{error}`); the file with the closest name is {found}, "
            "which I read instead.",
        ),
        "es": (
            "{asked} no existe (`{error}`); el archivo de nombre más parecido es {found}, "
            "que leí en su lugar.",
        ),
        "de": (
            "{asked} existiert nicht (`{error}`); die Datei mit dem ähnlichsten Namen ist "
            "{found}, die ich stattdessen gelesen habe.",
        ),
        "fr": (
            "{asked} n'existe pas (`{error}`) ; le fichier au nom le plus proche est "
            "{found}, que j'ai lu à la place.",
        ),
    },
    "err.gone": {
        "en": (
            "{url} could not be opened (`{error}`); a search for its topic found {title} "
            "({found}), which I opened instead.",
        ),
        "es": (
            "No se pudo abrir {url} (`{error}`); una búsqueda sobre su tema encontró {title} "
            "({found}), que abrí en su lugar.",
        ),
        "de": (
            "{url} ließ sich nicht öffnen (`{error}`); eine Suche nach dem Thema fand "
            "die Seite {title} ({found}), die ich stattdessen geöffnet habe.",
        ),
        "fr": (
            "Impossible d'ouvrir {url} (`{error}`) ; une recherche sur son sujet a trouvé "
            "la page {title} ({found}), que j'ai ouverte à la place.",
        ),
    },
    "err.redirect": {
        "en": ("{asked} now redirects to {url}.",),
        "es": ("{asked} ahora redirige a {url}.",),
        "de": ("{asked} leitet inzwischen auf {url} weiter.",),
        "fr": ("{asked} redirige désormais vers {url}.",),
    },
    # ---- faults the user put in the request (a clause added to the first sentence)
    "adv.clamp": {
        "en": ("You asked for {bad}, but {rule}, so I used {hi}; {meant}.",),
        "es": ("Pediste {bad}, pero {rule}, así que usé {hi}; {meant}.",),
        "de": ("Du wolltest {bad}, aber {rule}, daher habe ich {hi} verwendet; {meant}.",),
        "fr": ("Tu as demandé {bad}, mais {rule} : j'ai donc utilisé {hi} ; {meant}.",),
    },
    "adv.repair": {
        "en": (
            "The arguments you gave were not valid JSON because of the {fix}, so I sent "
            "them repaired as {json}.",
        ),
        "es": (
            "Los argumentos que diste no eran JSON válido por {fix}, así que los envié "
            "corregidos como {json}.",
        ),
        "de": (
            "Deine Argumente waren wegen {fix} kein gültiges JSON, daher habe ich sie "
            "korrigiert als {json} gesendet.",
        ),
        "fr": (
            "Tes arguments n'étaient pas du JSON valide à cause {fix}, je les ai donc "
            "envoyés corrigés sous la forme {json}.",
        ),
    },
}


def phrase(rng: random.Random, key: str, lang: str, /, **values: object) -> str:
    return rng.choice(P[key][lang]).format(**values)
