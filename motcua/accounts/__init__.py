"""Users, citizens, businesses, officials and their roles."""
