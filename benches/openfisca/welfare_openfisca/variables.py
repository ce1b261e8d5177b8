"""Variables: the inputs read from a household file, then the three measures, vectorised over
every person and household of a simulation. Money is in integer cents; a missing ISEE is -1;
dates are days (datetime64[D]). Every measure is computed on the first day of the period."""

import datetime

import numpy
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from welfare_openfisca.entities import Famiglia, Persona

MONTH = DateUnit.MONTH
ETERNITY = DateUnit.ETERNITY
NO_DATE = numpy.datetime64("1000-01-01")


class Disabilita(Enum):
    nessuna = "Nessuna"
    media = "Media"
    grave = "Grave"
    non_autosufficiente = "Non autosufficiente"


class Cittadinanza(Enum):
    sconosciuta = "Non indicata"
    italian = "Italiana"
    eu = "UE"
    eu_family_member = "Familiare di cittadino UE"
    non_eu_long_term = "Soggiornante di lungo periodo"
    non_eu_single_permit = "Permesso unico"
    non_eu_research = "Permesso per ricerca"
    non_eu_international_protection = "Protezione internazionale"
    non_eu_other = "Altro titolo"


def _ymd(days):
    """Year, month and day of an array of datetime64[D]."""
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    return (
        years.astype(int) + 1970,
        (months - years.astype("datetime64[M]")).astype(int) + 1,
        (days - months.astype("datetime64[D]")).astype(int) + 1,
    )


def _start(period):
    return numpy.datetime64(str(period.start), "D")


# Inputs: person.


def _input(name, value_type, entity, period, label, **extra):
    attributes = dict(value_type=value_type, entity=entity, definition_period=period, label=label)
    attributes.update(extra)
    return type(name, (Variable,), attributes)


data_nascita = _input("data_nascita", datetime.date, Persona, ETERNITY, "Data di nascita")
disabilita = _input(
    "disabilita", Enum, Persona, MONTH, "Disabilità ai fini ISEE",
    possible_values=Disabilita, default_value=Disabilita.nessuna,
)
lavora = _input("lavora", bool, Persona, MONTH, "Occupato o autonomo")
mesi_lavorati = _input("mesi_lavorati", int, Persona, MONTH, "Mesi lavorati nell'anno di riferimento")
indice_madre = _input(
    "indice_madre", int, Persona, ETERNITY, "Posizione della madre nella simulazione (-1: non nel nucleo)",
    default_value=-1,
)
vedovo = _input("vedovo", bool, Persona, MONTH, "Vedovo o libero per decesso del partner")
mesi_stato_civile = _input(
    "mesi_stato_civile", int, Persona, MONTH, "Mesi interi nello stato civile (-1: non noto)",
    default_value=-1,
)
data_evento = _input(
    "data_evento", datetime.date, Persona, ETERNITY, "Nascita o ingresso in famiglia di questo figlio",
    default_value=NO_DATE.astype(object),
)
cittadinanza_madre_evento = _input(
    "cittadinanza_madre_evento", Enum, Persona, ETERNITY, "Cittadinanza della madre dell'evento",
    possible_values=Cittadinanza, default_value=Cittadinanza.sconosciuta,
)
madre_residente_evento = _input(
    "madre_residente_evento", bool, Persona, ETERNITY, "Madre residente in Italia all'evento"
)
indennita_maternita = _input(
    "indennita_maternita", int, Persona, ETERNITY, "Indennità di maternità per questo figlio (centesimi)"
)

# Inputs: household.

isee_prestazioni_familiari = _input(
    "isee_prestazioni_familiari", int, Famiglia, MONTH, "ISEE per prestazioni familiari (centesimi)",
    default_value=-1,
)
isee_minorenni = _input(
    "isee_minorenni", int, Famiglia, MONTH, "ISEE minorenni (centesimi)", default_value=-1
)
isee_ordinario = _input(
    "isee_ordinario", int, Famiglia, MONTH, "ISEE ordinario (centesimi)", default_value=-1
)


# Facts computed from the inputs.


class eta(Variable):
    value_type = int
    entity = Persona
    definition_period = MONTH
    label = "Anni compiuti al primo giorno del periodo"

    def formula(persona, period, parameters):
        by, bm, bd = _ymd(persona("data_nascita", period).astype("datetime64[D]"))
        y, m, d = _ymd(numpy.array([_start(period)]))
        return y - by - ((bm > m) | ((bm == m) & (bd > d)))


class eta_madre(Variable):
    value_type = int
    entity = Persona
    definition_period = MONTH
    label = "Età della madre quando è nel nucleo (-1 altrimenti)"

    def formula(persona, period, parameters):
        madre = persona("indice_madre", period)
        eta_ = persona("eta", period)
        return numpy.where(madre >= 0, eta_[numpy.maximum(madre, 0)], -1)


class valutabile(Variable):
    value_type = bool
    entity = Famiglia
    definition_period = MONTH
    label = "Nessun componente nato dopo la data (altrimenti nessuna misura si valuta)"

    def formula(famiglia, period, parameters):
        nascite = famiglia.members("data_nascita", period).astype("datetime64[D]")
        return famiglia.all(nascite <= _start(period))


# Assegno Unico e Universale (D.Lgs. 230/2021 art. 4).


class auu_isee(Variable):
    value_type = int
    entity = Famiglia
    definition_period = MONTH
    label = "ISEE usato dall'Assegno Unico (-1: nessuno)"

    def formula(famiglia, period, parameters):
        if parameters(period).auu.usa_isee_prestazioni_familiari:
            return famiglia("isee_prestazioni_familiari", period)
        minorenni = famiglia("isee_minorenni", period)
        return numpy.where(minorenni >= 0, minorenni, famiglia("isee_ordinario", period))


def _auu_column(name):
    def formula(famiglia, period, parameters):
        isee = famiglia("auu_isee", period)
        # Without an ISEE the last band: the minimum amounts (art. 4 c. 9).
        base = numpy.where(isee >= 0, isee, numpy.iinfo(numpy.int32).max)
        scale = getattr(parameters(period).auu.importi, name)
        return numpy.rint(scale.calc(base)).astype(numpy.int32)

    return type(
        "auu_" + name,
        (Variable,),
        dict(
            value_type=int, entity=Famiglia, definition_period=MONTH,
            label="Importo della fascia ISEE: " + name, formula=formula,
        ),
    )


auu_minore = _auu_column("minore")
auu_eta_18_20 = _auu_column("eta_18_20")
auu_terzo_figlio = _auu_column("terzo_figlio")
auu_genitori_lavoratori = _auu_column("genitori_lavoratori")


class auu_beneficiario(Variable):
    value_type = bool
    entity = Persona
    definition_period = MONTH
    label = "Figlio per cui spetta l'assegno"

    def formula(persona, period, parameters):
        disabile = persona("disabilita", period) != Disabilita.nessuna
        return persona.has_role(Famiglia.FIGLIO) * ((persona("eta", period) < 21) | disabile)


class genitori_lavoratori(Variable):
    value_type = bool
    entity = Famiglia
    definition_period = MONTH
    label = "Entrambi i genitori lavoratori, o il genitore vedovo lavoratore da meno di cinque anni"

    def formula(famiglia, period, parameters):
        genitori = famiglia.nb_persons(Famiglia.GENITORE)
        lavoratori = famiglia.sum(famiglia.members("lavora", period), role=Famiglia.GENITORE)
        vedovo_recente = (
            famiglia.members("lavora", period)
            * famiglia.members("vedovo", period)
            * (famiglia.members("mesi_stato_civile", period) >= 0)
            * (famiglia.members("mesi_stato_civile", period) < 60)
        )
        return ((genitori == 2) * (lavoratori == 2)) + (
            (genitori == 1) * famiglia.any(vedovo_recente, role=Famiglia.GENITORE)
        )


class auu_importo_figlio(Variable):
    value_type = int
    entity = Persona
    definition_period = MONTH
    label = "Assegno per ciascun figlio beneficiario (centesimi)"

    def formula(persona, period, parameters):
        p = parameters(period).auu
        eta_ = persona("eta", period)
        disabilita_ = persona("disabilita", period)
        disabile = disabilita_ != Disabilita.nessuna
        minore = persona.famiglia("auu_minore", period)
        base = numpy.where(
            (eta_ < 18) | disabile, minore, persona.famiglia("auu_eta_18_20", period)
        )
        grado = numpy.select(
            [disabilita_ == Disabilita.non_autosufficiente, disabilita_ == Disabilita.grave],
            [p.maggiorazione_non_autosufficiente, p.maggiorazione_grave],
            p.maggiorazione_media,
        )
        disabilita_importo = numpy.where(disabile * (eta_ < 21), grado, 0)
        madre = persona("eta_madre", period)
        madre_giovane = numpy.where((madre >= 0) * (madre < 21), p.maggiorazione_madre_giovane, 0)
        lavoratori = numpy.where(
            persona.famiglia("genitori_lavoratori", period) * (eta_ < 18),
            persona.famiglia("auu_genitori_lavoratori", period),
            0,
        )
        # Half of an amount in tenths of a euro: exact in cents, rounding half up never acts.
        meta = numpy.rint(minore * p.incremento_figli_piccoli).astype(numpy.int32)
        isee = persona.famiglia("auu_isee", period)
        famiglia_numerosa = (
            (persona.famiglia("auu_figli", period) >= 3)
            * (isee >= 0)
            * (isee <= p.soglia_isee_figli_1_3)
        )
        piccoli = numpy.where(
            (eta_ < 1) + (eta_ >= 1) * (eta_ < 3) * famiglia_numerosa, meta, 0
        )
        importo = base + disabilita_importo + madre_giovane + lavoratori + piccoli
        return numpy.where(persona("auu_beneficiario", period), importo, 0)


class auu_figli(Variable):
    value_type = int
    entity = Famiglia
    definition_period = MONTH
    label = "Figli nel nucleo, anche senza assegno"

    def formula(famiglia, period, parameters):
        return famiglia.nb_persons(Famiglia.FIGLIO)


class assegno_unico_ammesso(Variable):
    value_type = bool
    entity = Famiglia
    definition_period = MONTH
    label = "Almeno un figlio a carico"

    def formula(famiglia, period, parameters):
        beneficiari = famiglia.sum(famiglia.members("auu_beneficiario", period))
        return famiglia("valutabile", period) * (beneficiari > 0)


class assegno_unico(Variable):
    value_type = int
    entity = Famiglia
    definition_period = MONTH
    label = "Assegno unico mensile (centesimi)"

    def formula(famiglia, period, parameters):
        p = parameters(period).auu
        figli = famiglia("auu_figli", period)
        totale = (
            famiglia.sum(famiglia.members("auu_importo_figlio", period))
            + numpy.maximum(0, figli - 2) * famiglia("auu_terzo_figlio", period)
            + numpy.where(figli >= 4, p.forfait_quattro_figli, 0)
        )
        return numpy.where(famiglia("assegno_unico_ammesso", period), totale, 0)


# Assegno di maternità dei Comuni (D.Lgs. 151/2001 art. 74), in the measure in force on the
# date of the most recent event on or before the first day of the period.


class maternita_giorno_evento(Variable):
    value_type = int
    entity = Famiglia
    definition_period = MONTH
    label = "Giorno (dal 1970) dell'evento più recente fino alla data, -1 se nessuno"

    def formula(famiglia, period, parameters):
        giorni = famiglia.members("data_evento", period).astype("datetime64[D]")
        validi = (giorni != NO_DATE) * (giorni <= _start(period))
        numeri = numpy.where(validi, giorni.astype(numpy.int64), -1)
        return famiglia.max(numeri).astype(numpy.int32)


class maternita_figlio_evento(Variable):
    value_type = bool
    entity = Persona
    definition_period = MONTH
    label = "Figlio nato o entrato nella famiglia alla data dell'evento"

    def formula(persona, period, parameters):
        giorno = persona.famiglia("maternita_giorno_evento", period)
        giorni = persona("data_evento", period).astype("datetime64[D]").astype(numpy.int64)
        return (giorno >= 0) * (giorni == giorno)


def _by_event_year(giorno, period, parameters, read):
    """A parameter in force on each household's event day (read by year: the figures change
    on 1 January)."""
    anni = _ymd(numpy.maximum(giorno, 0).astype("datetime64[D]"))[0]
    out = numpy.zeros(len(giorno), dtype=numpy.int64)
    for anno in numpy.unique(anni[giorno >= 0]):
        value = read(parameters(f"{anno}-01-01").maternita)
        if value is not None:
            out[anni == anno] = value
    return out


class assegno_maternita_ammesso(Variable):
    value_type = bool
    entity = Famiglia
    definition_period = MONTH
    label = "Evento, madre residente e cittadina ammessa, domanda nei termini, ISEE entro la soglia"

    def formula(famiglia, period, parameters):
        giorno = famiglia("maternita_giorno_evento", period)
        evento = famiglia.members("maternita_figlio_evento", period)
        residente = famiglia.members("madre_residente_evento", period)
        cittadinanza = famiglia.members("cittadinanza_madre_evento", period)
        ammessa = (cittadinanza != Cittadinanza.sconosciuta) * (
            cittadinanza != Cittadinanza.non_eu_other
        )
        # Whole months from the event to the date (no application in the file).
        ey, em, ed = _ymd(famiglia.members("data_evento", period).astype("datetime64[D]"))
        y, m, d = _ymd(numpy.array([_start(period)]))
        mesi = (y - ey) * 12 + (m - em) - (d < ed)
        termine = parameters(period).maternita.termine_mesi
        nei_termini = (mesi < termine) + (mesi == termine) * (d == ed)
        figli_ok = famiglia.all(numpy.logical_not(evento) + residente * ammessa * nei_termini)
        minorenni = famiglia("isee_minorenni", period)
        isee = numpy.where(minorenni >= 0, minorenni, famiglia("isee_ordinario", period))
        soglia = _by_event_year(giorno, period, parameters, lambda p: p.soglia_isee)
        isee_ok = (isee >= 0) * (isee <= soglia)
        lordo = famiglia("assegno_maternita_lordo", period)
        return famiglia("valutabile", period) * (giorno >= 0) * figli_ok * isee_ok * (lordo > 0)


class assegno_maternita_lordo(Variable):
    value_type = int
    entity = Famiglia
    definition_period = MONTH
    label = "Assegno per i figli dell'evento, al netto delle indennità (centesimi)"

    def formula(famiglia, period, parameters):
        giorno = famiglia("maternita_giorno_evento", period)
        pieno = _by_event_year(
            giorno, period, parameters, lambda p: p.importo_mensile * p.mensilita
        )
        pieno_membri = famiglia.project(pieno)
        differenza = numpy.maximum(0, pieno_membri - famiglia.members("indennita_maternita", period))
        return famiglia.sum(
            numpy.where(famiglia.members("maternita_figlio_evento", period), differenza, 0)
        )


class assegno_maternita(Variable):
    value_type = int
    entity = Famiglia
    definition_period = MONTH
    label = "Assegno di maternità (centesimi, una tantum)"

    def formula(famiglia, period, parameters):
        return numpy.where(
            famiglia("assegno_maternita_ammesso", period),
            famiglia("assegno_maternita_lordo", period),
            0,
        )


# Scala di equivalenza ISEE ordinaria (DPCM 159/2013 Allegato 1), in hundredths.


def _hundredths(value):
    return int(round(value * 100))


class scala_isee(Variable):
    value_type = int
    entity = Famiglia
    definition_period = MONTH
    label = "Scala di equivalenza (centesimi: 204 è 2,04)"

    def formula(famiglia, period, parameters):
        p = parameters(period).scala_isee
        c = p.componenti
        n = famiglia.nb_persons()
        base = numpy.select(
            [n <= 1, n == 2, n == 3, n == 4],
            [_hundredths(c.uno), _hundredths(c.due), _hundredths(c.tre), _hundredths(c.quattro)],
            _hundredths(c.cinque) + (n - 5) * _hundredths(c.ulteriore),
        )
        figli = famiglia.nb_persons(Famiglia.FIGLIO)
        numerosa = numpy.select(
            [figli == 3, figli == 4, figli >= 5],
            [_hundredths(p.figli.tre), _hundredths(p.figli.quattro), _hundredths(p.figli.cinque)],
            0,
        )
        eta_ = famiglia.members("eta", period)
        minori = famiglia.sum(eta_ < 18, role=Famiglia.FIGLIO)
        sotto_tre = famiglia.any(eta_ < 3, role=Famiglia.FIGLIO)
        genitori = famiglia.nb_persons(Famiglia.GENITORE)
        lavorato = famiglia.members("mesi_lavorati", period) >= 6
        tutti_lavorato = famiglia.all(lavorato, role=Famiglia.GENITORE)
        adulti_figli = famiglia.sum(eta_ >= 18, role=Famiglia.FIGLIO)
        altri = famiglia.nb_persons(Famiglia.ALTRO)
        solo = (genitori == 1) * (adulti_figli == 0) * (altri == 0)
        lavoratori = numpy.where(
            (minori > 0) * (genitori > 0) * (tutti_lavorato + solo),
            numpy.where(
                sotto_tre,
                _hundredths(p.genitori_lavoratori_figlio_sotto_tre),
                _hundredths(p.genitori_lavoratori),
            ),
            0,
        )
        disabili = famiglia.sum(famiglia.members("disabilita", period) != Disabilita.nessuna)
        return base + numerosa + lavoratori + disabili * _hundredths(p.disabile)


ALL = [
    value
    for value in list(globals().values())
    if isinstance(value, type) and issubclass(value, Variable) and value is not Variable
]
