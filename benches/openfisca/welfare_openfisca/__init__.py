"""A minimal OpenFisca country package with welfare-kit's three measures for a benchmark:
the Assegno Unico (monthly amount), the assegno di maternità dei Comuni and the ordinary scala
di equivalenza ISEE. The amounts of the Assegno Unico and of the assegno di maternità are read
from welfare-kit's own rulebooks, so both engines use the same figures."""

from welfare_openfisca.system import WelfareTaxBenefitSystem

__all__ = ["WelfareTaxBenefitSystem"]
