"""The customer drafter: writes an e-mail for a CS rep to review, stating only approved facts."""

from exdesk.agents.customer_drafter.contract import CustomerDrafter
from exdesk.agents.customer_drafter.local import LocalCustomerDrafter

__all__ = ["CustomerDrafter", "LocalCustomerDrafter"]
