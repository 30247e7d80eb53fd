from .services import erase_holder_personal_data


def handle_personal_data_erased(sender, user, **kwargs):
    """Account deletion: revoke the holder's certificates (退会) and erase the name on them."""
    erase_holder_personal_data(user=user)
