"""Flask glue shared by the faces: the process's collaborators, conditional answers, which face answers an error."""
